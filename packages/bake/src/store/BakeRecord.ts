/** One bake as the store keeps it. */
export interface BakeRecord {
  id: string;
  bakeKey: string;
  region: string;
  provider: string;
  state: 'RUNNING' | 'COMPLETED' | 'CANCELED';
  result?: 'SUCCESS' | 'FAILURE';
  /** queued → running → done. */
  phase: 'queued' | 'running' | 'done';
  message?: string;
  executionId?: string;
  user?: string;
  /** The resolved recipe (packer args, variables, image name...), JSON. No credentials. */
  recipe: BakeRecipeRecord;
  runDir: string;
  pid?: number;
  cancelRequested: boolean;
  /** Bytes of Packer's output already folded into the log. */
  outOffset: number;
  imageName?: string;
  baseImage?: string;
  /** Images by region (aws) or files (local). */
  images: { region: string; imageId: string }[];
  files: string[];
  /** Dedupe lookups skip it (DELETE /bake, rebake supersede). */
  forgotten: boolean;
  createdMs: number;
  updatedMs: number;
  /** Packer runs of this bake id: 1, or more when a replica that died with its Packer was replaced by another. */
  attempt?: number;
  /** The replica that runs the bake's Packer (PostgreSQL only). */
  ownerId?: string;
  startedMs?: number;
  endedMs?: number;
}

export interface BakeRecipeRecord {
  template: string;
  varFiles: string[];
  variables: Record<string, string>;
  imageName: string;
  baseImage: string;
  application?: string;
  artifactMetadata: Record<string, string>;
  /** Names of variables whose values are masked in logs (`maskedPackerParameters`). */
  masked: string[];
  /** aws: the account the bake runs as (Packer gets its credentials; the reaper cleans up there). */
  account?: string;
}

export interface LogLine {
  seq: number;
  timestampMs: number;
  text: string;
}
