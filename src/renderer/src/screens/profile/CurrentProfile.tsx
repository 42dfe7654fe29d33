import type { ProfileView } from '../../../../shared/view-models.js';
import { profileKindWords, profileSourceWords } from './profile-words.js';

/** The AWS side in use now, with a line nobody can misread about whether it is AWS at all. */
export function CurrentProfile({ profile }: { profile: ProfileView | null }) {
  const configured = profile?.configured === true;
  return (
    <section className="panel" aria-labelledby="profile-current-heading" data-testid="profile-current">
      <h2 id="profile-current-heading">In use now</h2>
      {!profile || !configured ? (
        <p className="profile-kind-line none" data-testid="profile-kind-line">
          <span aria-hidden="true">✖</span> No AWS profile is configured. Nobody can sign in until you choose
          one below.
        </p>
      ) : profile.kind === 'sandbox' ? (
        <p className="profile-kind-line sandbox" data-testid="profile-kind-line">
          <span aria-hidden="true">⚠</span> This is the sandbox on this computer, not AWS
          <span className="profile-kind-detail">
            Devices provisioned here get identities that work only with this sandbox.
          </span>
        </p>
      ) : (
        <p className="profile-kind-line aws" data-testid="profile-kind-line">
          <span aria-hidden="true">☁</span> This is a real AWS account
          <span className="profile-kind-detail">
            Devices provisioned here get real identities in {profile.region || 'its region'}.
          </span>
        </p>
      )}
      {profile && configured && (
        <dl className="profile-facts" data-testid="profile-facts">
          <Fact term="Name" value={profile.name} />
          <Fact term="Kind" value={profileKindWords(profile.kind)} />
          <Fact term="Region" value={profile.region} mono />
          <Fact term="User pool id" value={profile.userPoolId} mono />
          <Fact term="Provisioning template" value={profile.templateName} mono />
          <Fact term="IoT data endpoint" value={profile.dataEndpoint} mono />
          <Fact term="Source" value={profileSourceWords(profile.source)} />
        </dl>
      )}
    </section>
  );
}

function Fact({ term, value, mono = false }: { term: string; value: string | null; mono?: boolean }) {
  return (
    <div className="profile-fact">
      <dt>{term}</dt>
      <dd className={mono && value ? 'mono' : undefined}>
        {value || <span className="muted">not set</span>}
      </dd>
    </div>
  );
}
