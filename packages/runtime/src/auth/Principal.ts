export type Action = 'READ' | 'WRITE';

/** Who is calling, as Gate and Orca tell it (`X-SPINNAKER-USER`, `X-SPINNAKER-ACCOUNTS`) or as Fiat answers. */
export interface Principal {
  user: string;
  anonymous: boolean;
  /** Fiat's admin flag: every account. */
  admin: boolean;
  /** Accounts the caller may use, by action; `undefined` when nothing named them (no header, no Fiat). */
  accounts?: Map<string, Set<Action>>;
}
