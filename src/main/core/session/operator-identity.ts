/** Who is signed in, for the audit record: the pool's username and the Cognito `sub` (stable, unique). */
export interface OperatorIdentity {
  username: string;
  sub: string;
  groups: string[];
}
