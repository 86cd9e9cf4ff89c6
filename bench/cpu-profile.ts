/**
 * A V8 CPU profile of this process (the service, when a benchmark runs it in-process), from now until
 * `stop`, which writes it to `file` (its folder created) and returns that path.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { dirname } from 'node:path'

export async function startCpuProfile(): Promise<{ stop: (file: string) => Promise<string> }> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop')
      session.disconnect()
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, JSON.stringify(profile))
      return file
    },
  }
}
