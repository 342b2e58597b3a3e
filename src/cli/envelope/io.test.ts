import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkMetadataTarget, openOutput, planJobs, shouldWrite } from './io.js';

describe('input/output planning (aws-encryption-cli rules)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-io-'));
    await mkdir(join(dir, 'src/sub/deeper'), { recursive: true });
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'src/a.txt'), 'a');
    await writeFile(join(dir, 'src/sub/b.txt'), 'b');
    await writeFile(join(dir, 'src/sub/deeper/c.txt'), 'c');
    await symlink(join(dir, 'src/a.txt'), join(dir, 'src/link.txt'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a directory with -r mirrors its tree into the output directory, suffix added', async () => {
    const jobs = await planJobs({ input: join(dir, 'src'), output: join(dir, 'out'), recursive: true, mode: 'encrypt' });
    assert.deepEqual(jobs.map((j) => [j.source.slice(dir.length), j.destination.slice(dir.length)]), [
      ['/src/a.txt', '/out/a.txt.encrypted'],
      ['/src/link.txt', '/out/link.txt.encrypted'],
      ['/src/sub/b.txt', '/out/sub/b.txt.encrypted'],
      ['/src/sub/deeper/c.txt', '/out/sub/deeper/c.txt.encrypted'],
    ]);
    const custom = await planJobs({ input: join(dir, 'src'), output: join(dir, 'out'), recursive: true, mode: 'decrypt', suffix: '' });
    assert.equal(custom[0]!.destination, join(dir, 'out/a.txt'));
  });

  it('an output directory inside the input tree does not feed its results back in', async () => {
    await mkdir(join(dir, 'src/enc'), { recursive: true });
    await writeFile(join(dir, 'src/enc/old.encrypted'), 'x');
    const jobs = await planJobs({ input: join(dir, 'src'), output: join(dir, 'src/enc'), recursive: true, mode: 'encrypt' });
    assert.ok(jobs.every((j) => !j.source.includes('/enc/')));
    await rm(join(dir, 'src/enc'), { recursive: true });
  });

  it('a file into a directory gets the suffix; into a file path, that exact name', async () => {
    assert.deepEqual(await planJobs({ input: join(dir, 'src/a.txt'), output: join(dir, 'out'), recursive: false, mode: 'decrypt' }), [
      { source: join(dir, 'src/a.txt'), destination: join(dir, 'out/a.txt.decrypted') },
    ]);
    assert.deepEqual(await planJobs({ input: join(dir, 'src/a.txt'), output: join(dir, 'x.bin'), recursive: false, mode: 'encrypt' }), [
      { source: join(dir, 'src/a.txt'), destination: join(dir, 'x.bin') },
    ]);
    assert.deepEqual(await planJobs({ input: '-', output: '-', recursive: false, mode: 'encrypt' }), [{ source: '-', destination: '-' }]);
  });

  it('refuses what aws-encryption-cli refuses, with its messages', async () => {
    const plan = (input: string, output: string, recursive = false) => planJobs({ input, output, recursive, mode: 'encrypt' });
    await assert.rejects(plan(join(dir, 'src'), join(dir, 'out')), /is a directory: add -r\/--recursive/);
    await assert.rejects(plan(join(dir, 'src'), join(dir, 'file.out'), true), /If operating on a source directory, destination must be an existing directory/);
    await assert.rejects(plan('-', join(dir, 'out')), /Destination may not be a directory when source is stdin/);
    await assert.rejects(plan(join(dir, 'src/a.txt'), join(dir, 'src/a.txt')), /Destination and source cannot be the same/);
    await assert.rejects(plan(join(dir, 'src/a.txt'), join(dir, 'missing/x')), /the immediate parent directory must already exist/);
    await assert.rejects(plan(join(dir, 'nope'), '-'), /Input not found/);
  });

  it('checks the metadata target against input and output', async () => {
    const src = join(dir, 'src');
    const out = join(dir, 'out');
    await checkMetadataTarget(undefined, src, out);
    await checkMetadataTarget('-', src, out);
    await checkMetadataTarget(join(dir, 'meta.json'), src, out);
    await assert.rejects(checkMetadataTarget('-', '-', '-'), /Metadata output cannot be stdout when output is stdout/);
    await assert.rejects(checkMetadataTarget(join(out, 'meta.json'), src, out), /cannot be in the output directory/);
    await assert.rejects(checkMetadataTarget(join(src, 'meta.json'), src, out), /cannot be in the input directory/);
    await assert.rejects(checkMetadataTarget(join(src, 'a.txt'), join(src, 'a.txt'), '-'), /cannot be the input or output/);
    await assert.rejects(checkMetadataTarget(out, src, '-'), /cannot be a directory/);
    await assert.rejects(checkMetadataTarget(join(dir, 'no/meta.json'), src, out), /Parent directory for requested metdata file does not exist/);
  });
});

describe('atomic outputs', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-out-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('nothing appears under the final name until commit, and abort leaves no trace', async () => {
    const target = join(dir, 'plain.txt');
    const out = await openOutput(target, { fileMode: 0o600, overwrite: true, spoolStdout: false });
    out.stream.write('secret');
    assert.deepEqual(await readdir(dir).then((f) => f.filter((n) => n === 'plain.txt')), []);
    await out.abort();
    assert.deepEqual(await readdir(dir), []);

    const ok = await openOutput(target, { fileMode: 0o600, overwrite: true, spoolStdout: false });
    ok.stream.end('secret');
    await ok.commit();
    assert.deepEqual(await readdir(dir), ['plain.txt']);
    assert.equal(await readFile(target, 'utf8'), 'secret');
    assert.equal((await stat(target)).mode & 0o777, 0o600);
  });

  it('--no-overwrite skips existing files, and never replaces one that appears meanwhile', async () => {
    const target = join(dir, 'existing');
    await writeFile(target, 'original');
    assert.equal(await shouldWrite(target, false), false);
    assert.equal(await shouldWrite(target, true), true);
    assert.equal(await shouldWrite('-', false), true);
    const out = await openOutput(join(dir, 'racing'), { fileMode: 0o666, overwrite: false, spoolStdout: false });
    out.stream.end('new');
    await writeFile(join(dir, 'racing'), 'someone else');
    await assert.rejects(out.commit(), /appeared while it was being written/);
    assert.equal(await readFile(join(dir, 'racing'), 'utf8'), 'someone else');
    assert.deepEqual((await readdir(dir)).sort(), ['existing', 'plain.txt', 'racing']);
  });
});
