/**
 * Which index, and with which credentials (README "Publishing to PyPI"):
 *   URL:    --repository-url › TWINE_REPOSITORY_URL › --repository/TWINE_REPOSITORY in ~/.pypirc › config default
 *   secret: SHIPLINE_PYPI_TOKEN › TWINE_USERNAME/TWINE_PASSWORD › ~/.pypirc password › Trusted Publishing
 *           (the CI's OIDC identity: GitHub Actions, GitLab CI/CD, Buildkite, CircleCI, Google Cloud)
 * Every secret found is registered at once so it is redacted from all output.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type IniSections, parseIni } from "../config/ini.ts";
import { ShiplineError, UsageError } from "../errors.ts";
import { CI_NAMES, type CiKind, detectCi } from "../net/ambient-oidc.ts";
import { checkServiceUrl } from "../net/service-url.ts";
import { registerSecret } from "../ui/secrets.ts";

export const PYPI_DEFAULTS: Record<string, string> = {
  pypi: "https://upload.pypi.org/legacy/",
  testpypi: "https://test.pypi.org/legacy/",
};

export type Credentials =
  | { kind: "password"; username: string; password: string; source: string }
  | { kind: "trusted-publishing"; source: string; ci: CiKind };

export interface Target {
  url: string;
  credentials: Credentials;
}

type Sections = IniSections;

/** ~/.pypirc (configparser INI). A parse error never echoes the line: it can contain a token (twine does the same). */
export function parsePypirc(text: string, file: string): Sections {
  return parseIni(text, () => {
    throw new UsageError(`Malformed configuration in ${file}.`, "fix the INI syntax of that file");
  });
}

function loadPypirc(env: NodeJS.ProcessEnv): { sections: Sections; file: string } | undefined {
  const file = join(env.HOME ?? homedir(), ".pypirc");
  if (!existsSync(file)) return undefined;
  const sections = parsePypirc(readFileSync(file, "utf8"), file);
  for (const s of Object.values(sections)) registerSecret(s.password);
  return { sections, file };
}

function forceHttps(url: string): string {
  return url.replace(
    /^http:\/\/(pypi\.python\.org|testpypi\.python\.org|upload\.pypi\.org|test\.pypi\.org)\//,
    "https://$1/",
  );
}

export interface UrlChoice {
  repositoryUrl?: string;
  repository?: string;
  defaultUrl: string;
  /** Where defaultUrl comes from, for errors (default: "the upload URL"). */
  defaultFrom?: string;
}

type Pypirc = { sections: Sections; file: string } | undefined;

/** The upload URL alone, by the precedence above (publish and run record it in the checkpoint). */
export function resolveUploadUrl(opts: UrlChoice, env: NodeJS.ProcessEnv = process.env): string {
  return chooseUrl(opts, env, loadPypirc(env)).url;
}

function chooseUrl(
  opts: UrlChoice,
  env: NodeJS.ProcessEnv,
  rc: Pypirc,
): { url: string; section?: Record<string, string> } {
  const name = opts.repository ?? (opts.repositoryUrl ? undefined : env.TWINE_REPOSITORY);
  let url = opts.repositoryUrl ?? (name ? undefined : env.TWINE_REPOSITORY_URL);
  let section: Record<string, string> | undefined;
  if (!url && name) {
    section = rc?.sections[name];
    url = section?.repository ?? PYPI_DEFAULTS[name];
    if (!url)
      throw new UsageError(
        `--repository ${name}: no [${name}] section with a repository URL in ${rc?.file ?? "~/.pypirc"}`,
        "add it to ~/.pypirc or pass --repository-url URL",
      );
  }
  // the error names where the URL came from
  const from = opts.repositoryUrl
    ? "--repository-url"
    : name
      ? `[${name}] repository in ${rc?.file ?? "~/.pypirc"}`
      : url
        ? "TWINE_REPOSITORY_URL"
        : (opts.defaultFrom ?? "the upload URL");
  url = forceHttps(url ?? opts.defaultUrl);
  checkServiceUrl(url, from);
  return { url, section };
}

export function resolveTarget(opts: UrlChoice, env: NodeJS.ProcessEnv = process.env): Target {
  const rc = loadPypirc(env);
  const chosen = chooseUrl(opts, env, rc);
  const url = chosen.url;
  let section = chosen.section;
  if (!section && rc) {
    // A section whose repository is this URL (or the default pypi/testpypi ones) supplies credentials.
    for (const [n, s] of Object.entries(rc.sections)) {
      const su = s.repository ?? PYPI_DEFAULTS[n];
      if (su && forceHttps(su).replace(/\/+$/, "") === url.replace(/\/+$/, "")) section = s;
    }
  }
  const serverLogin = rc?.sections["server-login"];
  return { url, credentials: credentialsFor(env, section, serverLogin, rc?.file) };
}

function credentialsFor(
  env: NodeJS.ProcessEnv,
  section: Record<string, string> | undefined,
  serverLogin: Record<string, string> | undefined,
  rcFile: string | undefined,
): Credentials {
  const token = env.SHIPLINE_PYPI_TOKEN?.trim();
  if (token) {
    registerSecret(token);
    return { kind: "password", username: "__token__", password: token, source: "SHIPLINE_PYPI_TOKEN" };
  }
  const twine = env.TWINE_PASSWORD?.trim();
  if (twine) {
    registerSecret(twine);
    return {
      kind: "password",
      username: env.TWINE_USERNAME?.trim() || "__token__",
      password: twine,
      source: "TWINE_PASSWORD",
    };
  }
  const password = section?.password ?? serverLogin?.password;
  if (password) {
    registerSecret(password);
    return {
      kind: "password",
      username: section?.username ?? serverLogin?.username ?? "__token__",
      password,
      source: rcFile ?? "~/.pypirc",
    };
  }
  const ci = detectCi(env);
  if (ci) return { kind: "trusted-publishing", source: `${CI_NAMES[ci]} OIDC`, ci };
  throw new ShiplineError(
    "no credentials for the package index: SHIPLINE_PYPI_TOKEN, TWINE_PASSWORD and ~/.pypirc give none, and this job has no CI identity for Trusted Publishing",
    "in GitHub Actions give the job `permissions: id-token: write` (in GitLab CI/CD declare `id_tokens: PYPI_ID_TOKEN: aud: pypi`) and register a Trusted Publisher on PyPI; elsewhere set SHIPLINE_PYPI_TOKEN to an API token",
  );
}

/** `Basic …` for user:password, registered as a secret: a server or proxy that quotes the header back must not get it printed. */
export function basicAuthorization(username: string, password: string): string {
  const basic = Buffer.from(`${username}:${password}`).toString("base64");
  registerSecret(basic);
  return `Basic ${basic}`;
}

/**
 * The upload's username and password for reading a private index (its simple API, its files),
 * as pip and twine send them: only to the upload URL's own origin, only an API token or
 * password (never a Trusted Publishing token: PyPI's reads are public), and only asked for once
 * the index has refused an anonymous read. Undefined when there is nothing to send.
 */
export function indexReadAuthorization(
  uploadUrl: string,
  readUrl: string,
  env: NodeJS.ProcessEnv,
): (() => Promise<string>) | undefined {
  try {
    if (new URL(readUrl).origin !== new URL(uploadUrl).origin) return undefined;
    const c = resolveTarget({ repositoryUrl: uploadUrl, defaultUrl: uploadUrl }, env).credentials;
    if (c.kind !== "password") return undefined;
    return async () => basicAuthorization(c.username, c.password);
  } catch {
    return undefined; // no credentials at all: the read stays anonymous
  }
}
