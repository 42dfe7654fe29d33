import { useNavigate } from '../../navigation/route.js';
import { useStartupBenchHealth } from './use-startup-bench-health.js';

/**
 * For the App, once at start: a banner when a bench check found a problem, with the way to its
 * fix. Needs the NavigateContext provider; hidden while the health screen itself is shown.
 */
export function BenchHealthBanner({ hidden = false }: { hidden?: boolean }) {
  const navigate = useNavigate();
  const { problem, dismiss } = useStartupBenchHealth();
  if (!problem || hidden) return null;
  return (
    <div className="notice bench-health-banner" role="alert" data-testid="bench-health-banner">
      <span>
        <span aria-hidden="true">✖</span> {problem}
      </span>
      <span className="button-row">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            dismiss();
            navigate({ name: 'health' });
          }}
        >
          Open bench health
        </button>
        <button type="button" className="link-button" onClick={dismiss}>
          Dismiss
        </button>
      </span>
    </div>
  );
}
