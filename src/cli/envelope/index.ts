import { Command, Option } from 'commander';
import { registerFernetCommands } from '../fernet/commands.js';
import { decryptAction, encryptAction, type EnvelopeOptions } from './actions.js';
import { COMMITMENT_POLICIES, ALGORITHMS, optionGroups } from './args.js';

/**
 * `coffer encrypt`, `coffer decrypt` (the AWS Encryption SDK message format, flags after
 * aws-encryption-cli, or `--format fernet` with a KMS data key) and `coffer fernet ...`.
 */
export function registerEnvelopeCommands(program: Command): void {
  program.addCommand(envelopeCommand('encrypt'));
  program.addCommand(envelopeCommand('decrypt'));
  registerFernetCommands(program);
}

/**
 * Commander flattens repeated variadic options; `--wrapping-keys` groups (each with its own
 * region/profile) need the boundaries, so the command records them from its raw arguments.
 */
class EnvelopeCommand extends Command {
  wrappingKeyGroups: string[][] = [];

  override parseOptions(argv: string[]): ReturnType<Command['parseOptions']> {
    this.wrappingKeyGroups = optionGroups(argv, '-w', '--wrapping-keys');
    return super.parseOptions(argv);
  }
}

const ENCRYPT_EXAMPLES = `
Examples:
  # Encrypt a file under a KMS key (Coffer's KMS through AWS_ENDPOINT_URL or --endpoint-url)
  coffer encrypt -i report.pdf -o report.pdf.encrypted -w key=alias/backups -S

  # Two wrapping keys, an encryption context, metadata appended to a JSON-lines file
  coffer encrypt -i data.csv -o out/ -w key=alias/a key=arn:aws:kms:us-east-1:111122223333:key/1234abcd-... \\
      -c purpose=backup team=ops --metadata-output meta.json

  # Every file under a directory (mirrored into out/, each name + .encrypted)
  coffer encrypt -r -i photos/ -o out/ -w key=alias/photos -S

  # A pipe, base64 output
  tar c docs | coffer encrypt -i - -o - -w key=alias/backups -S --encode > docs.tar.b64

  # Fernet (Python's cryptography) under a fresh KMS data key; decrypting needs only KMS
  coffer encrypt --format fernet --key-id alias/app -i secret.txt -o secret.txt.fernet
`;

const DECRYPT_EXAMPLES = `
Examples:
  # Decrypt with the key ARN the message was encrypted under, requiring its context
  coffer decrypt -i report.pdf.encrypted -o report.pdf -S \\
      -w key=arn:aws:kms:us-east-1:111122223333:key/1234abcd-... -c purpose=backup

  # Discovery: any key of account 111122223333 may unwrap the data key
  coffer decrypt -i data.csv.encrypted -o . -S -w discovery=true discovery-account=111122223333 discovery-partition=aws

  # Only release plaintext once the whole message (and its signature) checked out
  coffer decrypt -i - -o - -S --buffer -w discovery=true < in.encrypted > out

  # A Fernet envelope made by coffer encrypt --format fernet, at most a day old
  coffer decrypt --format fernet --ttl 86400 -i secret.txt.fernet -o secret.txt
`;

function envelopeCommand(mode: 'encrypt' | 'decrypt'): EnvelopeCommand {
  const cmd = new EnvelopeCommand(mode);
  const encrypt = mode === 'encrypt';
  cmd
    .description(encrypt
      ? 'encrypt files or streams into AWS Encryption SDK messages (aws-encryption-cli flags), or Fernet tokens under a KMS data key'
      : 'decrypt AWS Encryption SDK messages (aws-encryption-cli flags), or Fernet envelopes made by coffer encrypt --format fernet')
    .requiredOption('-i, --input <path>', 'input file or directory, or - for stdin')
    .requiredOption('-o, --output <path>', 'output file or directory, or - for stdout')
    .option('-w, --wrapping-keys <attributes...>', encrypt
      ? 'key=<key id, ARN, alias name or alias ARN> (repeatable) [region=<region>] [profile=<profile>]; repeat -w for another group'
      : 'key=<key ARN> ... | discovery=true [discovery-account=<account> ... discovery-partition=<partition>] [region=] [profile=]')
    .option('-c, --encryption-context <pairs...>', encrypt
      ? 'encryption context: key=value pairs'
      : 'required encryption context: key=value pairs, or bare keys whose value may be anything')
    .addOption(new Option('--commitment-policy <policy>', 'key commitment policy').choices(Object.keys(COMMITMENT_POLICIES)).default('require-encrypt-require-decrypt'))
    .option('--max-encrypted-data-keys <n>', encrypt ? 'fail if more than n wrapped data keys would be written' : 'refuse messages with more than n wrapped data keys')
    .option('--metadata-output <file>', 'append a JSON line of metadata per file to <file> (- for stdout)')
    .option('--overwrite-metadata', 'overwrite the metadata file instead of appending')
    .option('-S, --suppress-metadata', 'write no metadata')
    .option('-r, --recursive', 'process every file under an input directory')
    .addOption(new Option('-R', 'same as -r').hideHelp())
    .option('--suffix [suffix]', `suffix for output names in a directory (default .${mode}ed; bare --suffix: none)`)
    .option('--encode', 'base64-encode the output')
    .option('--decode', 'base64-decode the input')
    .option('--no-overwrite', 'never replace an existing output file (skip it)')
    .option('-b, --buffer', 'release output only after the whole input checked out (stdout is spooled to a private temp file)')
    .option('--endpoint-url <url>', 'KMS endpoint, e.g. a Coffer server (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the profile, AWS)')
    .option('--region <region>', 'default AWS region for KMS (a key ARN\'s own region wins)')
    .option('--profile <profile>', 'AWS profile for credentials and settings')
    .addOption(new Option('--format <format>', 'message format').choices(['aws-esdk', 'fernet']).default('aws-esdk'))
    .option('--key-id <id>', encrypt ? 'fernet: the KMS key for the data key (id, ARN or alias)' : 'fernet: require the envelope to be under this key ARN')
    .option('-q, --quiet', 'no warnings, no progress bar');
  if (encrypt) {
    cmd
      .option('-e, --encrypt', 'accepted for aws-encryption-cli compatibility')
      .addOption(new Option('--algorithm <name>', 'algorithm suite (default AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)').choices(Object.keys(ALGORITHMS)))
      .option('--frame-length <bytes>', 'frame size in bytes (default 65536)')
      .addHelpText('after', ENCRYPT_EXAMPLES)
      .action((opts: EnvelopeOptions) => encryptAction(opts, cmd.wrappingKeyGroups));
  } else {
    cmd
      .option('-d, --decrypt', 'accepted for aws-encryption-cli compatibility')
      .option('--decrypt-unsigned', 'refuse messages made with a signing algorithm suite')
      .option('--max-length <bytes>', 'refuse frames (or non-framed bodies) larger than this')
      .option('--ttl <seconds>', 'fernet: refuse tokens older than this')
      .addHelpText('after', DECRYPT_EXAMPLES)
      .action((opts: EnvelopeOptions) => decryptAction(opts, cmd.wrappingKeyGroups));
  }
  return cmd;
}
