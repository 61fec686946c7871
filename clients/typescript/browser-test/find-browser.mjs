// The Chromium that the browser tests (cookie-mode.test.mjs, passkeys.test.mjs) drive, found without installing anything system-wide.
// Candidates, in order; the test launches them in turn and keeps the first that starts:
//   - CHROMIUM_PATH when it is set (then only that one: a failure to start is the test's failure);
//   - a system Chromium or Chrome: /usr/bin/chromium (Debian), then chromium, chromium-browser,
//     google-chrome, google-chrome-stable on the PATH, then the macOS application bundles;
//   - on Linux x64, the Chromium inside the npm package @sparticuz/chromium (a dev dependency of
//     this folder, so `npm ci` brings it; nothing is downloaded at run time). It is unpacked once
//     per package version under node_modules/.cache/, with the NSS, NSPR and expat libraries of the
//     package's al2023 pack, which the browser gets first on its LD_LIBRARY_PATH when glibc is 2.34
//     or newer (what those libraries need): it then needs nothing else from the system. (A dev
//     dependency, not an optional one: npm silently skips an optional dependency whose `engines`
//     do not match, and this package declares Node 22.17+ although it runs on Node 20.)
//   - Playwright's own Chromium, when `npx playwright-core install chromium` (run in this folder)
//     has put it in place: the way on macOS and Linux arm64 without a system Chromium.
// `node find-browser.mjs` lists the candidates found on this machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SYSTEM_PATHS = ['/usr/bin/chromium'];
const SYSTEM_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const MACOS_APPS = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const INSTALL_HINT = [
  'Give the browser test a Chromium, one of:',
  '  - Linux x64: `npm ci` in clients/typescript/browser-test installs @sparticuz/chromium, which',
  '    carries its own Chromium (BrowserCookieModeIT runs that npm ci);',
  '  - Debian/Ubuntu: apt-get install chromium (Ubuntu: a Chrome or Chromium that is not a snap);',
  '  - macOS, Linux arm64 and others: `npx playwright-core install chromium` in clients/typescript/browser-test;',
  '  - or set CHROMIUM_PATH to a Chromium or Chrome executable.',
].join('\n');

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, command))) {
      return path.join(dir, command);
    }
  }
  return undefined;
}

function systemBrowsers() {
  const found = [
    ...SYSTEM_PATHS.filter(isExecutableFile),
    ...SYSTEM_COMMANDS.map(onPath).filter(Boolean),
    ...(process.platform === 'darwin' ? MACOS_APPS.filter(isExecutableFile) : []),
  ];
  const seen = new Set();
  return found.filter((file) => {
    const real = fs.realpathSync(file);
    return !seen.has(real) && seen.add(real);
  });
}

/** Unpacks @sparticuz/chromium's browser and libraries once per version; undefined when it does not apply. */
async function bundledChromium(log) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return undefined;
  }
  let entry;
  try {
    entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  } catch {
    log('@sparticuz/chromium is not installed (run npm ci in clients/typescript/browser-test)');
    return undefined;
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const target = path.join(HERE, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  const complete = path.join(target, '.complete');
  if (!fs.existsSync(complete)) {
    // The package unpacks into os.tmpdir() and reuses whatever /tmp/chromium it finds there, of any
    // version or owner: point it at a folder of our own for the time of the unpacking.
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    const { default: sparticuz, inflate } = await import('@sparticuz/chromium');
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = target;
    try {
      if (os.tmpdir() !== target) {
        throw new Error(`os.tmpdir() does not follow TMPDIR (${os.tmpdir()})`);
      }
      await sparticuz.executablePath(path.join(packageDir, 'bin'));
      await inflate(path.join(packageDir, 'bin', 'al2023.tar.br'));
    } finally {
      if (tmpdir === undefined) {
        delete process.env.TMPDIR;
      } else {
        process.env.TMPDIR = tmpdir;
      }
    }
    fs.writeFileSync(complete, `${version}\n`);
  }
  const bundled = { source: `@sparticuz/chromium ${version}`, executablePath: path.join(target, 'chromium') };
  const glibc = process.report?.getReport().header.glibcVersionRuntime; // "2.36"; undefined on musl
  const [major, minor] = (glibc ?? '0.0').split('.').map(Number);
  if (major < 2 || (major === 2 && minor < 34)) {
    log(`glibc ${glibc ?? '(none)'} is older than the 2.34 of @sparticuz/chromium's libraries: `
      + 'its browser runs on the system NSS, NSPR and expat (Debian/Ubuntu: libnss3, libexpat1)');
    return bundled;
  }
  const libraries = path.join(target, 'al2023', 'lib');
  return {
    ...bundled,
    source: `${bundled.source} with its own NSS, NSPR and expat`,
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter),
    },
  };
}

function playwrightChromium() {
  try {
    const file = chromium.executablePath();
    return file && isExecutableFile(file) ? { source: "Playwright's own Chromium", executablePath: file } : undefined;
  } catch {
    return undefined; // a platform Playwright has no build for
  }
}

/** The candidates in order, the bundled one unpacked only when it is reached. */
export async function* browserCandidates(log = () => {}) {
  if (process.env.CHROMIUM_PATH) {
    yield { source: 'CHROMIUM_PATH', executablePath: process.env.CHROMIUM_PATH, only: true };
    return;
  }
  for (const file of systemBrowsers()) {
    yield { source: 'system', executablePath: file };
  }
  const bundled = await bundledChromium(log);
  if (bundled) {
    yield bundled;
  }
  const own = playwrightChromium();
  if (own) {
    yield own;
  }
}

/**
 * Calls {@code launch(candidate)} for each candidate until one resolves, and returns its result. Logs
 * which browser is used and why earlier ones were passed over; throws with {@link INSTALL_HINT} when
 * none starts.
 */
export async function launchFirst(launch, log = (line) => console.log(`browser: ${line}`)) {
  const failures = [];
  for await (const candidate of browserCandidates(log)) {
    try {
      const launched = await launch(candidate);
      log(`using ${candidate.executablePath} (${candidate.source})`);
      return launched;
    } catch (error) {
      // Playwright's message, without colours, repeats or its echo of the whole command line.
      const lines = String(error?.message ?? error).replace(/\x1b\[[0-9;]*m/g, '').split('\n')
        .map((line) => line.trim().replace(/^- /, ''))
        .filter((line) => line && !/^(<launching>|<launched>|Browser logs:|Call log:)/.test(line));
      const reason = [...new Set(lines)].slice(0, 5)
        .map((line) => (line.length > 300 ? `${line.slice(0, 300)}...` : line)).join('\n    ');
      failures.push(`${candidate.executablePath} (${candidate.source}) did not start: ${reason}`);
      log(failures.at(-1));
      if (candidate.only) {
        break;
      }
    }
  }
  throw new Error(`no Chromium could be started${failures.length ? ':\n  ' + failures.join('\n  ') : ' (none found)'}\n${INSTALL_HINT}`);
}

/**
 * A headless Chromium (the first candidate that starts) in a persistent context with a fresh profile:
 * `{ context, close }`, where `close()` closes it and removes the profile.
 */
export async function launchChromium() {
  let userDataDir;
  const context = await launchFirst(async ({ executablePath, env }) => {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    try {
      return await chromium.launchPersistentContext(userDataDir, {
        executablePath, env, headless: true, timeout: 60_000,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    } catch (error) {
      fs.rmSync(userDataDir, { recursive: true, force: true });
      throw error;
    }
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let any = false;
  for await (const candidate of browserCandidates((line) => console.log(line))) {
    console.log(`${candidate.executablePath} (${candidate.source})`);
    any = true;
  }
  if (!any) {
    console.log(`no Chromium found.\n${INSTALL_HINT}`);
    process.exitCode = 1;
  }
}
