/**
 * A failure the person starting the service can fix (a bad setting, a port in use, a database that
 * refuses the login). The CLI prints its message alone, without a stack trace, and exits with code 1.
 * Messages name the setting involved and say what to do.
 */
export class StartupError extends Error {
  override name = 'StartupError'
}
