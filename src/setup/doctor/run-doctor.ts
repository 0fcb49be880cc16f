/** Runs every doctor check in order and returns the findings. */
import { loadShiplineConfig, type ShiplineConfig } from "../../config/shipline.ts";
import { errorMessage } from "../../errors.ts";
import { checkCommits } from "./check-commits.ts";
import {
  checkBuildTool,
  checkGateTools,
  checkTrustedPublishing,
  checkTrustedRoot,
  checkWorkflows,
} from "./check-environment.ts";
import { checkGitHub } from "./check-github.ts";
import { checkPypi } from "./check-pypi.ts";
import { checkReleaseConfig } from "./check-release-config.ts";
import { embeddedTrustedRoot } from "./embedded-root.ts";
import { type DoctorContext, error, type Finding } from "./finding.ts";

export async function runDoctor(ctx: DoctorContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { findings: rp, config } = checkReleaseConfig(ctx);
  findings.push(...rp);
  if (config) findings.push(...(await checkCommits(ctx, config)));
  let cfg: ShiplineConfig | undefined;
  try {
    cfg = loadShiplineConfig(ctx.root);
    for (const w of cfg.warnings)
      findings.push({
        id: "shipline-config",
        status: "warn",
        title: w,
        detail: "shipline ignores it.",
        fix: "remove or rename the key",
      });
  } catch (e) {
    findings.push(
      error(
        "shipline-config",
        errorMessage(e),
        "[tool.shipline] in pyproject.toml configures gates and publishing; every command that reads it fails.",
        (e as { hint?: string }).hint ?? "fix the value named above",
      ),
    );
  }
  if (cfg) findings.push(...checkGateTools(ctx, cfg), ...(await checkBuildTool(ctx, cfg)));
  findings.push(
    ...checkWorkflows(
      ctx,
      cfg?.publish.enabled === true && cfg.publish.githubAssets,
      config ? config.packages.some((p) => p.path === ".") : true,
    ),
  );
  if (cfg) findings.push(...checkTrustedPublishing(ctx, cfg));
  findings.push(...checkTrustedRoot(embeddedTrustedRoot()));
  if (ctx.online && cfg)
    findings.push(...(await checkPypi(ctx, cfg, config)), ...(await checkGitHub(ctx, cfg)));
  return findings;
}
