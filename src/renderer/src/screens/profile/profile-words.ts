import type { ProfileView } from '../../../../shared/view-models.js';

/** How the AWS profile screen words a profile's kind and where it came from. */
export function profileKindWords(kind: ProfileView['kind']): string {
  return kind === 'sandbox' ? 'Sandbox on this computer (not AWS)' : 'AWS account';
}

export function profileSourceWords(source: ProfileView['source']): string {
  switch (source) {
    case 'command-line':
      return 'Given when the station was started (command line or STATION_PROFILE)';
    case 'imported':
      return 'Imported on this station';
    case 'embedded':
      return 'The sandbox this station starts by itself';
    case 'none':
      return 'None yet';
  }
}
