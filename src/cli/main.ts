#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command } from 'commander';
import { configFrom, DEFAULT_PORT } from '../server/config.js';

const program = new Command();
program.name('coffer').description('Self-hosted AWS-compatible KMS, encrypted S3, IAM and CloudTrail on one port');

program
  .command('server')
  .description('run the Coffer server (embedded SQLite + local disk store, or PostgreSQL + S3 in cluster mode)')
  .option('--host <host>', 'address to bind (COFFER_HOST)', undefined)
  .option('--port <port>', `port to listen on, 0 for any free one (COFFER_PORT, default ${DEFAULT_PORT})`)
  .option('--data-dir <dir>', 'where metadata, object bodies and the root key live (COFFER_DATA_DIR, default ./coffer-data)')
  .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (TLS 1.2+) only (COFFER_TLS_CERT)')
  .option('--tls-key <file>', 'PEM private key for --tls-cert (COFFER_TLS_KEY)')
  .option('--database <url>', 'cluster mode: metadata in PostgreSQL, postgres://user@host/db (COFFER_DATABASE_URL; default SQLite in the data dir)')
  .option('--blobs <url>', 'cluster mode: object bodies in an S3-compatible store, s3://bucket/prefix?endpoint=URL&region=R (COFFER_BLOBS_URL; credentials from the standard AWS variables)')
  .option('--bootstrap <file>', 'apply a declarative JSON file of accounts, users, keys, policies and roles at start (COFFER_BOOTSTRAP_FILE)')
  .action(async (opts: { host?: string; port?: string; dataDir?: string; tlsCert?: string; tlsKey?: string; database?: string; blobs?: string; bootstrap?: string }) => {
    const config = configFrom(opts, process.env);
    const env = opts.bootstrap ? { ...process.env, COFFER_BOOTSTRAP_FILE: resolve(opts.bootstrap) } : process.env;
    // Loaded here, not at the top: client commands (encrypt, audit, ...) never pay for the server.
    const { startServer } = await import('../server/app.js');
    const server = await startServer(config, env);
    if (server.root.secretAccessKey) {
      // Shown once, on the operator's terminal only: logs never carry the secret.
      const secret = process.stdout.isTTY ? server.root.secretAccessKey : '(see the credentials file)';
      process.stderr.write(
        `\nCoffer created account ${server.root.accountId} and its root access key:\n` +
        `  aws_access_key_id     = ${server.root.accessKeyId}\n  aws_secret_access_key = ${secret}\n` +
        `Saved (0600) in ${server.root.credentialsFile}; move it somewhere safe.\n\n`,
      );
    }
    // Tests and scripts read the bound port from this line.
    process.stdout.write(`coffer listening on ${server.url}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.log.info({ signal }, 'shutting down');
      server.close().then(() => process.exit(0), (err) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

// The client commands load the AWS SDK's clients (tens of MiB): `coffer server` never loads them.
if (process.argv[2] !== 'server') {
  const [trail, account, envelope, ops, audit] = await Promise.all([
    import('./trail.js'), import('./account.js'), import('./envelope/index.js'), import('./ops.js'), import('../audit/cli.js'),
  ]);
  trail.registerTrailCommands(program);
  account.registerAccountCommands(program);
  envelope.registerEnvelopeCommands(program);
  ops.registerOpsCommands(program);
  audit.registerAuditCommands(program);
}

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`coffer: ${err.message}\n`);
  process.exit(1);
});
