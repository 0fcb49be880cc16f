/**
 * Stand-in for the GitHub REST API: the endpoints shipline calls, with GitHub's status codes,
 * error bodies and response shapes (checked against @octokit/openapi in
 * tests/github/standin-openapi.test.ts). State lives in memory; git refs (tags, branches) live
 * in a real bare repository when one is given — the same one the tests push release branches
 * to as `origin` — so "the PR's head branch exists" and "the tag points at sha X" are real.
 *
 *   const gh = await startGitHub({ bare: "/tmp/x.git" });
 *   spawn shipline with { ...gh.env }   // GITHUB_API_URL, GITHUB_TOKEN, GITHUB_REPOSITORY
 *   gh.faults.add({ method: "POST", path: /\/releases$/, status: 502, afterHandling: true });
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Faults } from "./faults.ts";

export interface Label {
  id: number;
  node_id: string;
  url: string;
  name: string;
  description: string | null;
  color: string;
  default: boolean;
}

export interface PullState {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  head: string;
  base: string;
  draft: boolean;
  labels: string[];
  merged_at: string | null;
  merge_commit_sha: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface ReleaseState {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  created_at: string;
  published_at: string | null;
  /** Set when the release is published while the repository has immutable releases on. */
  immutable: boolean;
  assets: AssetState[];
}

export interface AssetState {
  id: number;
  name: string;
  content_type: string;
  size: number;
  /** "uploaded", or "starter" for the empty asset an upload that broke off leaves behind. */
  state: "uploaded" | "starter";
  bytes: Uint8Array;
  created_at: string;
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  created_at: string;
}

export interface GitHubStandIn {
  url: string;
  owner: string;
  repo: string;
  token: string;
  /** GITHUB_API_URL, GITHUB_TOKEN, GITHUB_REPOSITORY for a shipline process. */
  env: Record<string, string>;
  faults: Faults;
  pulls: PullState[];
  releases: ReleaseState[];
  comments: CommentState[];
  /** Tags when no bare repository backs the refs. */
  tags: Map<string, string>;
  /** What the token may do ("write" by default). */
  permissions: { contents: "read" | "write"; pullRequests: "read" | "write" };
  /** The repository's "release immutability" setting: a release published while on is immutable. */
  settings: { immutableReleases: boolean; requiredSignatures: boolean };
  /** Commits GitHub signed: made through the GraphQL createCommitOnBranch mutation ("Verified"). */
  verified: Set<string>;
  /** Bodies of POST /releases/generate-notes requests (changelog-type github). */
  generatedNotes: Record<string, unknown>[];
  /** Mark a PR merged (closed, merged_at, merge_commit_sha) as if merged on GitHub. */
  merge(number: number, mergeCommitSha: string): void;
  /** Tag sha (peeled) in the backing store, or undefined. */
  tagSha(tag: string): string | undefined;
  stop(): void;
}

const NOW = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const nodeId = (kind: string, id: number) => Buffer.from(`${kind}${id}`).toString("base64");
const DOCS = "https://docs.github.com/rest";

function git(bare: string, args: string[]): { ok: boolean; out: string } {
  const p = Bun.spawnSync(["git", ...args], { cwd: bare, stdout: "pipe", stderr: "pipe" });
  return { ok: p.exitCode === 0, out: p.stdout.toString().trim() };
}

function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-github-api-version-selected": "2022-11-28",
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      ...headers,
    },
  });
}

const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  json({ message, documentation_url: DOCS, status: String(status), ...extra }, status);

const validation = (errors: Record<string, unknown>[]) => error(422, "Validation Failed", { errors });

export async function startGitHub(
  opts: { owner?: string; repo?: string; token?: string; bare?: string } = {},
): Promise<GitHubStandIn> {
  const owner = opts.owner ?? "octo";
  const repo = opts.repo ?? "sample";
  const token = opts.token ?? `ghs_standin${crypto.randomUUID().replace(/-/g, "")}`;
  const faults = new Faults();
  const pulls: PullState[] = [];
  const releases: ReleaseState[] = [];
  const comments: CommentState[] = [];
  const tags = new Map<string, string>();
  const labelIds = new Map<string, number>();
  const permissions: GitHubStandIn["permissions"] = { contents: "write", pullRequests: "write" };
  const settings: GitHubStandIn["settings"] = { immutableReleases: false, requiredSignatures: false };
  const verified = new Set<string>();
  const generatedNotes: Record<string, unknown>[] = [];
  let nextId = 1000;
  let base = "";
  const api = () => `${base}/repos/${owner}/${repo}`;
  const web = `https://github.com/${owner}/${repo}`;

  const user = (login = "github-actions[bot]", id = 41898282) => ({
    login,
    id,
    node_id: nodeId("User", id),
    avatar_url: `https://avatars.githubusercontent.com/in/15368?v=4`,
    gravatar_id: "",
    url: `${base}/users/${encodeURIComponent(login)}`,
    html_url: `https://github.com/apps/github-actions`,
    followers_url: `${base}/users/${encodeURIComponent(login)}/followers`,
    following_url: `${base}/users/${encodeURIComponent(login)}/following{/other_user}`,
    gists_url: `${base}/users/${encodeURIComponent(login)}/gists{/gist_id}`,
    starred_url: `${base}/users/${encodeURIComponent(login)}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/users/${encodeURIComponent(login)}/subscriptions`,
    organizations_url: `${base}/users/${encodeURIComponent(login)}/orgs`,
    repos_url: `${base}/users/${encodeURIComponent(login)}/repos`,
    events_url: `${base}/users/${encodeURIComponent(login)}/events{/privacy}`,
    received_events_url: `${base}/users/${encodeURIComponent(login)}/received_events`,
    type: "Bot",
    site_admin: false,
  });

  const repository = () => {
    const u = api();
    const templated: Record<string, string> = {
      archive_url: `${u}/{archive_format}{/ref}`,
      assignees_url: `${u}/assignees{/user}`,
      blobs_url: `${u}/git/blobs{/sha}`,
      branches_url: `${u}/branches{/branch}`,
      collaborators_url: `${u}/collaborators{/collaborator}`,
      comments_url: `${u}/comments{/number}`,
      commits_url: `${u}/commits{/sha}`,
      compare_url: `${u}/compare/{base}...{head}`,
      contents_url: `${u}/contents/{+path}`,
      git_commits_url: `${u}/git/commits{/sha}`,
      git_refs_url: `${u}/git/refs{/sha}`,
      git_tags_url: `${u}/git/tags{/sha}`,
      issue_comment_url: `${u}/issues/comments{/number}`,
      issue_events_url: `${u}/issues/events{/number}`,
      issues_url: `${u}/issues{/number}`,
      keys_url: `${u}/keys{/key_id}`,
      labels_url: `${u}/labels{/name}`,
      milestones_url: `${u}/milestones{/number}`,
      notifications_url: `${u}/notifications{?since,all,participating}`,
      pulls_url: `${u}/pulls{/number}`,
      releases_url: `${u}/releases{/id}`,
      statuses_url: `${u}/statuses/{sha}`,
      trees_url: `${u}/git/trees{/sha}`,
    };
    const plain = [
      "contributors",
      "deployments",
      "downloads",
      "events",
      "forks",
      "hooks",
      "languages",
      "merges",
      "stargazers",
      "subscribers",
      "subscription",
      "tags",
      "teams",
    ];
    return {
      id: 2000,
      node_id: nodeId("Repository", 2000),
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: user(owner, 1000),
      private: false,
      html_url: web,
      description: null,
      fork: false,
      url: u,
      ...templated,
      ...Object.fromEntries(plain.map((p) => [`${p}_url`, `${u}/${p}`])),
      git_url: `git://github.com/${owner}/${repo}.git`,
      ssh_url: `git@github.com:${owner}/${repo}.git`,
      clone_url: `${web}.git`,
      svn_url: web,
      mirror_url: null,
      homepage: null,
      language: "Python",
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 1,
      default_branch: "main",
      open_issues_count: pulls.filter((p) => p.state === "open").length,
      open_issues: pulls.filter((p) => p.state === "open").length,
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: NOW(),
      created_at: "2024-01-01T00:00:00Z",
      updated_at: NOW(),
    };
  };

  const label = (name: string): Label => {
    let id = labelIds.get(name);
    if (id === undefined) {
      id = nextId++;
      labelIds.set(name, id);
    }
    return {
      id,
      node_id: nodeId("Label", id),
      url: `${api()}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: "ededed",
      default: false,
    };
  };

  const branchSha = (branch: string): string | undefined => {
    if (!opts.bare) return "0".repeat(40);
    const r = git(opts.bare, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]);
    return r.ok ? r.out : undefined;
  };

  /** Peeled commit of a tag. */
  const tagSha = (tag: string): string | undefined => {
    if (!opts.bare) return tags.get(tag);
    const r = git(opts.bare, ["rev-parse", "--verify", "-q", `refs/tags/${tag}^{commit}`]);
    return r.ok ? r.out : undefined;
  };

  /** The ref's own object (an annotated tag's tag object, else the commit). */
  const refObject = (tag: string): { sha: string; type: string } | undefined => {
    if (!opts.bare) {
      const sha = tags.get(tag);
      return sha ? { sha, type: "commit" } : undefined;
    }
    const r = git(opts.bare, ["rev-parse", "--verify", "-q", `refs/tags/${tag}`]);
    if (!r.ok) return undefined;
    return { sha: r.out, type: git(opts.bare, ["cat-file", "-t", r.out]).out };
  };

  const commitExists = (sha: string) =>
    !opts.bare || git(opts.bare, ["cat-file", "-e", `${sha}^{commit}`]).ok;

  const createTag = (tag: string, sha: string) => {
    if (opts.bare) git(opts.bare, ["update-ref", `refs/tags/${tag}`, sha]);
    else tags.set(tag, sha);
  };

  const prJson = (p: PullState, full: boolean) => {
    const u = `${api()}/pulls/${p.number}`;
    const issue = `${api()}/issues/${p.number}`;
    const headSha = branchSha(p.head) ?? "0".repeat(40);
    const simple = {
      url: u,
      id: 50_000 + p.number,
      node_id: nodeId("PullRequest", p.number),
      html_url: `${web}/pull/${p.number}`,
      diff_url: `${web}/pull/${p.number}.diff`,
      patch_url: `${web}/pull/${p.number}.patch`,
      issue_url: issue,
      commits_url: `${u}/commits`,
      review_comments_url: `${u}/comments`,
      review_comment_url: `${api()}/pulls/comments{/number}`,
      comments_url: `${issue}/comments`,
      statuses_url: `${api()}/statuses/${headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: user(),
      body: p.body,
      labels: p.labels.map(label),
      milestone: null,
      active_lock_reason: null,
      created_at: p.created_at,
      updated_at: p.updated_at,
      closed_at: p.closed_at,
      merged_at: p.merged_at,
      merge_commit_sha: p.merge_commit_sha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: {
        label: `${owner}:${p.head}`,
        ref: p.head,
        sha: headSha,
        user: user(owner, 1000),
        repo: repository(),
      },
      base: {
        label: `${owner}:${p.base}`,
        ref: p.base,
        sha: branchSha(p.base) ?? "0".repeat(40),
        user: user(owner, 1000),
        repo: repository(),
      },
      _links: {
        self: { href: u },
        html: { href: `${web}/pull/${p.number}` },
        issue: { href: issue },
        comments: { href: `${issue}/comments` },
        review_comments: { href: `${u}/comments` },
        review_comment: { href: `${api()}/pulls/comments{/number}` },
        commits: { href: `${u}/commits` },
        statuses: { href: `${api()}/statuses/${headSha}` },
      },
      author_association: "NONE",
      auto_merge: null,
      draft: p.draft,
    };
    if (!full) return simple;
    return {
      ...simple,
      merged: p.merged_at !== null,
      mergeable: p.state === "open" ? true : null,
      rebaseable: null,
      mergeable_state: p.state === "open" ? "clean" : "unknown",
      merged_by: p.merged_at ? user(owner, 1000) : null,
      comments: comments.filter((c) => c.issue === p.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 1,
      changed_files: 1,
    };
  };

  const releaseJson = (r: ReleaseState) => {
    const u = `${api()}/releases/${r.id}`;
    const uploads = base.replace(/^http:\/\/127\.0\.0\.1/, "http://127.0.0.1");
    return {
      url: u,
      html_url: r.draft ? `${web}/releases/tag/untagged-${r.id}` : `${web}/releases/tag/${r.tag_name}`,
      assets_url: `${u}/assets`,
      upload_url: `${uploads}/repos/${owner}/${repo}/releases/${r.id}/assets{?name,label}`,
      tarball_url: r.draft ? null : `${api()}/tarball/${r.tag_name}`,
      zipball_url: r.draft ? null : `${api()}/zipball/${r.tag_name}`,
      id: r.id,
      node_id: nodeId("Release", r.id),
      tag_name: r.tag_name,
      target_commitish: r.target_commitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: r.immutable,
      created_at: r.created_at,
      published_at: r.published_at,
      updated_at: r.created_at,
      author: user(),
      assets: r.assets.map(assetJson),
    };
  };

  const assetJson = (a: AssetState) => ({
    url: `${api()}/releases/assets/${a.id}`,
    browser_download_url: `${web}/releases/download/${releases.find((r) => r.assets.includes(a))?.tag_name ?? "untagged"}/${a.name}`,
    id: a.id,
    node_id: nodeId("ReleaseAsset", a.id),
    name: a.name,
    label: null,
    state: a.state === "uploaded" ? "uploaded" : "open",
    content_type: a.content_type,
    size: a.size,
    digest:
      a.state === "uploaded"
        ? `sha256:${new Bun.CryptoHasher("sha256").update(a.bytes).digest("hex")}`
        : null,
    download_count: 0,
    created_at: a.created_at,
    updated_at: a.created_at,
    uploader: user(),
  });

  /** Publishing a release (created non-draft, or a draft edited to draft: false). */
  const publish = (r: ReleaseState) => {
    r.draft = false;
    r.published_at = NOW();
    r.immutable = settings.immutableReleases;
  };

  const headJson = (branch: string, sha: string) => ({
    ref: `refs/heads/${branch}`,
    node_id: nodeId("Ref", branch.length),
    url: `${api()}/git/refs/heads/${branch}`,
    object: { sha, type: "commit", url: `${api()}/git/commits/${sha}` },
  });

  /**
   * GraphQL createCommitOnBranch, as GitHub runs it: on top of the branch's head (which must be
   * `expectedHeadOid`), the file additions and deletions, author the token's bot; the commit is
   * signed by GitHub (recorded in `verified`). Only this mutation is served.
   */
  async function graphql(req: Request): Promise<Response> {
    const b = (await body(req)) as { query?: string; variables?: Record<string, unknown> } | undefined;
    const gqlError = (message: string, type?: string) =>
      json({ data: null, errors: [{ ...(type && { type }), path: ["createCommitOnBranch"], message }] });
    if (!b?.query?.includes("createCommitOnBranch") || !opts.bare)
      return gqlError("shipline's stand-in serves only createCommitOnBranch");
    if (permissions.contents !== "write")
      return gqlError("Resource not accessible by integration", "FORBIDDEN");
    const input = b.variables?.input as {
      branch?: { repositoryNameWithOwner?: string; branchName?: string };
      message?: { headline?: string; body?: string };
      expectedHeadOid?: string;
      fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
    };
    if (input?.branch?.repositoryNameWithOwner !== `${owner}/${repo}`)
      return gqlError(
        `Could not resolve to a Repository with the name '${input?.branch?.repositoryNameWithOwner}'.`,
        "NOT_FOUND",
      );
    const branch = input.branch.branchName ?? "";
    const head = branchSha(branch);
    if (!head) return gqlError(`A ref named "refs/heads/${branch}" does not exist.`, "UNPROCESSABLE");
    if (head !== input.expectedHeadOid)
      return gqlError(
        `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`,
        "STALE_DATA",
      );
    const dir = mkdtempSync(join(tmpdir(), "gh-standin-index-"));
    const env: Record<string, string | undefined> = { ...process.env, GIT_INDEX_FILE: join(dir, "index") };
    const run = (args: string[], stdin?: Uint8Array | string) => {
      const p = Bun.spawnSync(["git", ...args], {
        cwd: opts.bare,
        env,
        stdin: stdin === undefined ? undefined : Buffer.from(stdin),
      });
      if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
      return p.stdout.toString().trim();
    };
    try {
      run(["read-tree", head]);
      for (const a of input.fileChanges?.additions ?? []) {
        const blob = run(["hash-object", "-w", "--stdin"], Buffer.from(a.contents, "base64"));
        const mode = /^(\d+) /.exec(run(["ls-tree", head, "--", a.path]))?.[1] ?? "100644";
        run(["update-index", "--add", "--cacheinfo", `${mode},${blob},${a.path}`]);
      }
      for (const d of input.fileChanges?.deletions ?? []) run(["update-index", "--force-remove", d.path]);
      const tree = run(["write-tree"]);
      const message = [input.message?.headline ?? "", input.message?.body].filter(Boolean).join("\n\n");
      // the token's identity: GitHub Actions' bot for GITHUB_TOKEN
      env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = "github-actions[bot]";
      env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL =
        "41898282+github-actions[bot]@users.noreply.github.com";
      const oid = run(["commit-tree", tree, "-p", head, "-F", "-"], message);
      run(["update-ref", `refs/heads/${branch}`, oid, head]);
      verified.add(oid);
      return json({ data: { createCommitOnBranch: { commit: { oid, url: `${web}/commit/${oid}` } } } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const refJson = (tag: string, o: { sha: string; type: string }) => ({
    ref: `refs/tags/${tag}`,
    node_id: nodeId("Ref", tag.length),
    url: `${api()}/git/refs/tags/${encodeURIComponent(tag)}`,
    object: {
      sha: o.sha,
      type: o.type,
      url: `${api()}/git/${o.type === "tag" ? "tags" : "commits"}/${o.sha}`,
    },
  });

  /** GitHub's pagination: page/per_page and a Link header the paginate plugin follows. */
  const paged = <T>(items: T[], url: URL, map: (t: T) => unknown) => {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30) || 30, 100);
    const page = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      next.searchParams.set("per_page", String(perPage));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return json(slice.map(map), 200, headers);
  };

  const body = async (req: Request): Promise<Record<string, unknown> | undefined> => {
    try {
      const v = await req.json();
      return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const touch = (p: PullState) => {
    p.updated_at = NOW();
  };

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const auth = req.headers.get("authorization") ?? "";
    if (!/^(token|bearer) /i.test(auth) || auth.replace(/^(token|bearer) /i, "") !== token)
      return error(401, "Bad credentials");
    if (url.pathname === "/graphql" && req.method === "POST") return graphql(req);
    const prefix = `/repos/${owner}/${repo}`;
    if (!url.pathname.startsWith(prefix)) return error(404, "Not Found");
    const path = decodeURIComponent(url.pathname.slice(prefix.length)) || "/";
    const m = req.method;
    const denied = (need: "contents" | "pullRequests") =>
      permissions[need] !== "write" ? error(403, "Resource not accessible by integration") : undefined;

    if (m === "GET" && path === "/") return json(repository());

    // Pulls
    if (path === "/pulls" && m === "GET") {
      const state = url.searchParams.get("state") ?? "open";
      const head = url.searchParams.get("head");
      const baseRef = url.searchParams.get("base");
      const sort = url.searchParams.get("sort") ?? "created";
      const direction = url.searchParams.get("direction") ?? (sort === "created" ? "desc" : "asc");
      let list = pulls.filter(
        (p) =>
          (state === "all" || p.state === state) &&
          (!head || `${owner}:${p.head}` === head) &&
          (!baseRef || p.base === baseRef),
      );
      const key = (p: PullState) =>
        (sort === "updated" ? p.updated_at : p.created_at) + String(p.number).padStart(8, "0");
      list = list.sort((a, b) => key(a).localeCompare(key(b)));
      if (direction === "desc") list.reverse();
      return paged(list, url, (p) => prJson(p, false));
    }
    if (path === "/pulls" && m === "POST") {
      const no = denied("pullRequests");
      if (no) return no;
      const b = await body(req);
      const head = String(b?.head ?? "").replace(new RegExp(`^${owner}:`), "");
      const baseRef = String(b?.base ?? "");
      if (!b?.title || !head || !baseRef)
        return validation([
          { resource: "PullRequest", field: b?.title ? "head" : "title", code: "missing_field" },
        ]);
      if (!branchSha(head)) return validation([{ resource: "PullRequest", field: "head", code: "invalid" }]);
      if (!branchSha(baseRef))
        return validation([{ resource: "PullRequest", field: "base", code: "invalid" }]);
      if (pulls.some((p) => p.state === "open" && p.head === head && p.base === baseRef))
        return validation([
          {
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for ${owner}:${head}.`,
          },
        ]);
      const now = NOW();
      const p: PullState = {
        number: pulls.length + 1,
        title: String(b.title),
        body: typeof b.body === "string" ? b.body : null,
        state: "open",
        head,
        base: baseRef,
        draft: b.draft === true,
        labels: [],
        merged_at: null,
        merge_commit_sha: null,
        created_at: now,
        updated_at: now,
        closed_at: null,
      };
      pulls.push(p);
      return json(prJson(p, true), 201, { location: `${api()}/pulls/${p.number}` });
    }
    const pullMatch = /^\/pulls\/(\d+)$/.exec(path);
    if (pullMatch) {
      const p = pulls.find((x) => x.number === Number(pullMatch[1]));
      if (!p) return error(404, "Not Found");
      if (m === "GET") return json(prJson(p, true));
      if (m === "PATCH") {
        const no = denied("pullRequests");
        if (no) return no;
        const b = (await body(req)) ?? {};
        if (typeof b.title === "string") p.title = b.title;
        if (typeof b.body === "string") p.body = b.body;
        if (b.state === "open" && p.state === "closed") {
          if (p.merged_at)
            return validation([
              {
                resource: "PullRequest",
                code: "custom",
                message: "state cannot be changed. The pull request has already been merged.",
              },
            ]);
          p.state = "open";
          p.closed_at = null;
        } else if (b.state === "closed" && p.state === "open") {
          p.state = "closed";
          p.closed_at = NOW();
        }
        touch(p);
        return json(prJson(p, true));
      }
    }

    // Issue labels and comments (PRs are issues)
    const labelsMatch = /^\/issues\/(\d+)\/labels(?:\/(.+))?$/.exec(path);
    if (labelsMatch) {
      const p = pulls.find((x) => x.number === Number(labelsMatch[1]));
      if (!p) return error(404, "Not Found");
      const no = m !== "GET" ? denied("pullRequests") : undefined;
      if (no) return no;
      if (m === "POST" && !labelsMatch[2]) {
        const b = await body(req);
        const names = Array.isArray(b?.labels) ? b.labels : undefined;
        if (!names || names.some((n) => typeof n !== "string" || n === ""))
          return validation([{ resource: "Label", field: "name", code: "invalid" }]);
        for (const n of names as string[]) if (!p.labels.includes(n)) p.labels.push(n);
        touch(p);
        return json(p.labels.map(label));
      }
      if (m === "DELETE" && labelsMatch[2]) {
        const name = labelsMatch[2];
        if (!p.labels.includes(name)) return error(404, "Label does not exist");
        p.labels = p.labels.filter((l) => l !== name);
        touch(p);
        return json(p.labels.map(label));
      }
      if (m === "GET") return json(p.labels.map(label));
    }
    const commentsMatch = /^\/issues\/(\d+)\/comments$/.exec(path);
    const commentJson = (c: CommentState) => ({
      id: c.id,
      node_id: nodeId("IssueComment", c.id),
      url: `${api()}/issues/comments/${c.id}`,
      html_url: `${web}/pull/${c.issue}#issuecomment-${c.id}`,
      body: c.body,
      user: user(),
      created_at: c.created_at,
      updated_at: c.created_at,
      issue_url: `${api()}/issues/${c.issue}`,
      author_association: "NONE",
    });
    if (commentsMatch && m === "GET") {
      const p = pulls.find((x) => x.number === Number(commentsMatch[1]));
      if (!p) return error(404, "Not Found");
      return paged(
        comments.filter((c) => c.issue === p.number),
        url,
        commentJson,
      );
    }
    if (commentsMatch && m === "POST") {
      const p = pulls.find((x) => x.number === Number(commentsMatch[1]));
      if (!p) return error(404, "Not Found");
      const no = denied("pullRequests");
      if (no) return no;
      const b = await body(req);
      if (typeof b?.body !== "string")
        return validation([{ resource: "IssueComment", field: "body", code: "missing_field" }]);
      const c: CommentState = { id: nextId++, issue: p.number, body: b.body, created_at: NOW() };
      comments.push(c);
      return json(commentJson(c), 201);
    }

    // Git refs (tags)
    const refMatch = /^\/git\/ref\/tags\/(.+)$/.exec(path);
    if (refMatch && m === "GET") {
      const o = refObject(refMatch[1]!);
      return o ? json(refJson(refMatch[1]!, o)) : error(404, "Not Found");
    }
    if (path === "/git/refs" && m === "POST") {
      const no = denied("contents");
      if (no) return no;
      const b = await body(req);
      const ref = String(b?.ref ?? "");
      const sha = String(b?.sha ?? "");
      if (!/^refs\/.+/.test(ref) || ref.split("/").length < 3)
        return error(422, `${ref} is not a valid ref name.`);
      if (!/^[0-9a-f]{40}$/.test(sha) || !commitExists(sha)) return error(422, "Object does not exist");
      if (ref.startsWith("refs/heads/") && opts.bare) {
        const branch = ref.slice("refs/heads/".length);
        if (branchSha(branch)) return error(422, "Reference already exists");
        git(opts.bare, ["update-ref", ref, sha]);
        return json(headJson(branch, sha), 201, { location: `${api()}/git/refs/heads/${branch}` });
      }
      const tag = ref.replace(/^refs\/tags\//, "");
      if (!ref.startsWith("refs/tags/"))
        return error(422, "shipline's stand-in only creates tags and branches");
      if (refObject(tag)) return error(422, "Reference already exists");
      createTag(tag, sha);
      return json(refJson(tag, { sha, type: "commit" }), 201, { location: `${api()}/git/refs/tags/${tag}` });
    }
    const headRef = /^\/git\/ref\/heads\/(.+)$/.exec(path);
    if (headRef && m === "GET" && opts.bare) {
      const sha = branchSha(headRef[1]!);
      return sha ? json(headJson(headRef[1]!, sha)) : error(404, "Not Found");
    }
    const headMatch = /^\/git\/refs\/heads\/(.+)$/.exec(path);
    if (headMatch && m === "PATCH" && opts.bare) {
      const no = denied("contents");
      if (no) return no;
      const b = await body(req);
      const sha = String(b?.sha ?? "");
      const now = branchSha(headMatch[1]!);
      if (!now) return error(422, "Reference does not exist");
      if (!/^[0-9a-f]{40}$/.test(sha) || !commitExists(sha)) return error(422, "Object does not exist");
      const fastForward = git(opts.bare, ["merge-base", "--is-ancestor", now, sha]).ok;
      if (!fastForward && b?.force !== true) return error(422, "Update is not a fast forward");
      git(opts.bare, ["update-ref", `refs/heads/${headMatch[1]}`, sha]);
      return json(headJson(headMatch[1]!, sha));
    }
    const gitTagMatch = /^\/git\/tags\/([0-9a-f]{40})$/.exec(path);
    if (gitTagMatch && m === "GET" && opts.bare) {
      const sha = gitTagMatch[1]!;
      const r = git(opts.bare, ["cat-file", "tag", sha]);
      if (!r.ok) return error(404, "Not Found");
      const [head, ...msg] = r.out.split("\n\n");
      const field = (k: string) => new RegExp(`^${k} (.*)$`, "m").exec(head ?? "")?.[1] ?? "";
      const tagger = /^(.*) <(.*)> (\d+)/.exec(field("tagger"));
      return json({
        node_id: nodeId("Tag", 1),
        tag: field("tag"),
        sha,
        url: `${api()}/git/tags/${sha}`,
        message: msg.join("\n\n"),
        tagger: {
          name: tagger?.[1] ?? "",
          email: tagger?.[2] ?? "",
          date: new Date(Number(tagger?.[3] ?? 0) * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
        },
        object: { sha: field("object"), type: field("type"), url: `${api()}/git/commits/${field("object")}` },
        verification: {
          verified: false,
          reason: "unsigned",
          signature: null,
          payload: null,
          verified_at: null,
        },
      });
    }

    // Releases
    if (path === "/releases" && m === "GET") return paged([...releases].reverse(), url, releaseJson);
    if (path === "/releases" && m === "POST") {
      const no = denied("contents");
      if (no) return no;
      const b = await body(req);
      const tag = typeof b?.tag_name === "string" ? b.tag_name : "";
      if (!tag) return validation([{ resource: "Release", field: "tag_name", code: "missing_field" }]);
      if (releases.some((r) => r.tag_name === tag))
        return validation([{ resource: "Release", code: "already_exists", field: "tag_name" }]);
      const target = typeof b?.target_commitish === "string" ? b.target_commitish : "main";
      const draft = b?.draft === true;
      if (!draft && !refObject(tag)) {
        const sha = /^[0-9a-f]{40}$/.test(target) ? target : branchSha(target);
        if (!sha || !commitExists(sha))
          return validation([{ resource: "Release", code: "invalid", field: "target_commitish" }]);
        createTag(tag, sha);
      }
      const now = NOW();
      const r: ReleaseState = {
        id: nextId++,
        tag_name: tag,
        target_commitish: target,
        name: typeof b?.name === "string" ? b.name : tag,
        body: typeof b?.body === "string" ? b.body : null,
        draft,
        prerelease: b?.prerelease === true,
        created_at: now,
        published_at: null,
        immutable: false,
        assets: [],
      };
      if (!draft) publish(r);
      releases.push(r);
      return json(releaseJson(r), 201, { location: `${api()}/releases/${r.id}` });
    }
    if (path === "/releases/generate-notes" && m === "POST") {
      // GitHub's generated notes, from the commits in previous_tag_name..target (the subjects,
      // as "What's Changed" lists merged PRs) and the compare link
      const b = await body(req);
      const tag = typeof b?.tag_name === "string" ? b.tag_name : "";
      if (!tag) return validation([{ resource: "Release", field: "tag_name", code: "missing_field" }]);
      generatedNotes.push(b as Record<string, unknown>);
      const prev = typeof b?.previous_tag_name === "string" ? b.previous_tag_name : undefined;
      const target = typeof b?.target_commitish === "string" ? b.target_commitish : "main";
      const range = opts.bare
        ? git(opts.bare, [
            "log",
            "--format=%s",
            prev ? `refs/tags/${prev}..refs/heads/${target}` : `refs/heads/${target}`,
          ]).out
        : "";
      const items = range ? range.split("\n").map((s) => `* ${s} by @octocat`) : [];
      const full = prev ? `${web}/compare/${prev}...${tag}` : `${web}/commits/${tag}`;
      return json({
        name: tag,
        body: `## What's Changed\n${items.join("\n")}\n\n\n**Full Changelog**: ${full}`,
      });
    }
    const byTag = /^\/releases\/tags\/(.+)$/.exec(path);
    if (byTag && m === "GET") {
      // Like GitHub: drafts are not returned by tag.
      const r = releases.find((x) => x.tag_name === byTag[1] && !x.draft);
      return r ? json(releaseJson(r)) : error(404, "Not Found");
    }
    const byId = /^\/releases\/(\d+)$/.exec(path);
    const release = byId ? releases.find((x) => x.id === Number(byId[1])) : undefined;
    if (byId && m === "GET") return release ? json(releaseJson(release)) : error(404, "Not Found");
    if (byId && m === "PATCH") {
      if (!release) return error(404, "Not Found");
      const no = denied("contents");
      if (no) return no;
      const b = (await body(req)) ?? {};
      if (release.immutable && ("draft" in b || "tag_name" in b || "prerelease" in b))
        return error(422, "Cannot modify an immutable release.");
      if (typeof b.name === "string") release.name = b.name;
      if (typeof b.body === "string") release.body = b.body;
      if (typeof b.prerelease === "boolean") release.prerelease = b.prerelease;
      if (b.draft === false && release.draft) {
        // publishing a draft creates its tag when it does not exist yet
        if (!refObject(release.tag_name)) {
          const t = release.target_commitish;
          const sha = /^[0-9a-f]{40}$/.test(t) ? t : branchSha(t);
          if (!sha || !commitExists(sha))
            return validation([{ resource: "Release", code: "invalid", field: "target_commitish" }]);
          createTag(release.tag_name, sha);
        }
        publish(release);
      } else if (b.draft === true && !release.draft) {
        release.draft = true;
        release.published_at = null;
      }
      return json(releaseJson(release));
    }
    const assetsOf = /^\/releases\/(\d+)\/assets$/.exec(path);
    const owning = assetsOf ? releases.find((x) => x.id === Number(assetsOf[1])) : undefined;
    if (assetsOf && m === "GET")
      return owning ? paged(owning.assets, url, assetJson) : error(404, "Not Found");
    if (assetsOf && m === "POST") {
      // the upload endpoint (upload_url): the raw bytes, ?name=, Content-Type
      if (!owning) return error(404, "Not Found");
      const no = denied("contents");
      if (no) return no;
      // like GitHub, which "renames asset filenames that have special characters [and]
      // non-alphanumeric characters": spaces, `!`, `~`, `(`… are stored as periods
      const name = (url.searchParams.get("name") ?? "").replace(/[^A-Za-z0-9._-]/g, ".");
      if (!name) return validation([{ resource: "ReleaseAsset", code: "missing_field", field: "name" }]);
      if (owning.immutable) return error(422, "Cannot upload assets to an immutable release.");
      if (owning.assets.some((a) => a.name === name))
        return validation([{ resource: "ReleaseAsset", code: "already_exists", field: "name" }]);
      const a: AssetState = {
        id: nextId++,
        name,
        content_type: req.headers.get("content-type") ?? "application/octet-stream",
        size: 0,
        state: "starter",
        bytes: new Uint8Array(0),
        created_at: NOW(),
      };
      // like GitHub: the asset exists from the first byte; an upload that breaks off leaves it
      // behind in the "starter" state (listed as "open"), to be deleted before a retry
      owning.assets.push(a);
      const bytes = new Uint8Array(await req.arrayBuffer());
      const declared = Number(req.headers.get("content-length") ?? bytes.length);
      if (bytes.length !== declared) return error(400, "Bad Content-Length");
      Object.assign(a, { bytes, size: bytes.length, state: "uploaded" });
      return json(assetJson(a), 201);
    }
    const assetById = /^\/releases\/assets\/(\d+)$/.exec(path);
    if (assetById) {
      const holder = releases.find((r) => r.assets.some((a) => a.id === Number(assetById[1])));
      const a = holder?.assets.find((x) => x.id === Number(assetById[1]));
      if (!holder || !a) return error(404, "Not Found");
      // the asset's bytes (GitHub redirects to its storage; the stand-in answers them at once)
      if (m === "GET" && req.headers.get("accept") === "application/octet-stream")
        return new Response(Buffer.from(a.bytes), {
          headers: { "content-type": "application/octet-stream" },
        });
      if (m === "GET") return json(assetJson(a));
      if (m === "DELETE") {
        const no = denied("contents");
        if (no) return no;
        if (holder.immutable) return error(422, "Cannot delete assets of an immutable release.");
        holder.assets.splice(holder.assets.indexOf(a), 1);
        return new Response(null, { status: 204 });
      }
    }
    // the active rules on a branch: a ruleset (id 42, on every branch) when requiredSignatures is set
    if (/^\/rules\/branches\/.+$/.test(path) && m === "GET")
      return json(
        settings.requiredSignatures
          ? [
              {
                type: "required_signatures",
                ruleset_source_type: "Repository",
                ruleset_source: `${owner}/${repo}`,
                ruleset_id: 42,
              },
            ]
          : [],
      );
    if (path === "/immutable-releases" && m === "GET")
      return settings.immutableReleases
        ? json({ enabled: true, enforced_by_owner: false })
        : error(404, "Not Found");
    return error(404, "Not Found");
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: faults.wrap(handle) });
  base = `http://127.0.0.1:${server.port}`;
  return {
    url: base,
    owner,
    repo,
    token,
    env: { GITHUB_API_URL: base, GITHUB_TOKEN: token, GITHUB_REPOSITORY: `${owner}/${repo}` },
    faults,
    pulls,
    releases,
    comments,
    tags,
    permissions,
    settings,
    verified,
    generatedNotes,
    merge(number, sha) {
      const p = pulls.find((x) => x.number === number);
      if (!p) throw new Error(`no PR #${number}`);
      const now = NOW();
      Object.assign(p, {
        state: "closed",
        merged_at: now,
        closed_at: now,
        merge_commit_sha: sha,
        updated_at: now,
      });
    },
    tagSha,
    stop: () => server.stop(true),
  };
}
