/** The child process of pglite-init.ts: creates an embedded database cluster in the folder it is given. */
import { PGlite } from '@electric-sql/pglite'

const [dir] = process.argv.slice(2)
const pglite = await PGlite.create(dir)
await pglite.close()
