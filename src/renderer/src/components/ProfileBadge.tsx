import type { ProfileView } from '../../../shared/view-models.js';

/**
 * Which AWS side the station talks to, always in view: the sandbox is named as such in words, so
 * nobody mistakes a practice run for a real account (and the other way round).
 */
export function ProfileBadge({ profile }: { profile: ProfileView | null }) {
  if (!profile?.configured) {
    return (
      <span className="profile-badge none" data-testid="profile-badge">
        No AWS profile
      </span>
    );
  }
  if (profile.kind === 'sandbox') {
    return (
      <span className="profile-badge sandbox" data-testid="profile-badge" title={profile.name}>
        <span aria-hidden="true">⚠</span> Sandbox — not AWS
      </span>
    );
  }
  return (
    <span className="profile-badge aws" data-testid="profile-badge">
      AWS · {profile.name} · {profile.region}
    </span>
  );
}
