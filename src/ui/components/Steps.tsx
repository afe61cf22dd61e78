import { type KeyboardEvent, type ReactNode, useEffect } from 'react';
import { nextStep, openStep, STEPS, type StepId, stepStatus, useSteps, useWorkState } from '../../state/steps.ts';
import { CasePanel } from './CasePanel.tsx';
import { ComparePanel } from './ComparePanel.tsx';
import { ExperimentsPanel } from './ExperimentsPanel.tsx';
import { FeaturesPanel } from './FeaturesPanel.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { ScribblePanel } from './ScribblePanel.tsx';
import { TrainingPanel } from './TrainingPanel.tsx';
import { WorkspacePanel } from './WorkspacePanel.tsx';

const BODIES: Record<StepId, () => ReactNode> = {
  case: () => <CasePanel />,
  model: () => <ModelPanel />,
  features: () => <FeaturesPanel />,
  train: () => (
    <>
      <TrainingPanel />
      <ScribblePanel />
    </>
  ),
  compare: () => <ComparePanel />,
  dataset: () => <WorkspacePanel />,
  experiments: () => <ExperimentsPanel />,
};

const STATE_TEXT = { running: 'running', done: 'done', ready: 'ready', optional: 'optional', needs: 'needs' } as const;

/** Arrow keys move between step headers, Home and End to the first and last (the WAI-ARIA accordion pattern). */
function moveFocus(e: KeyboardEvent<HTMLButtonElement>, index: number): void {
  const to = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: STEPS.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  document.getElementById(`step-header-${STEPS[(to + STEPS.length) % STEPS.length].id}`)?.focus();
}

/**
 * The sidebar: one header per step with its state, one step's panel open at a time. Closed
 * panels stay mounted (hidden), so what they hold (a half-typed class name, a running job's
 * progress) is there when the user comes back.
 */
export function Steps() {
  const open = useSteps((s) => s.open);
  const work = useWorkState();
  // The opened step's header comes into view: the one above it may have been long.
  useEffect(() => {
    // A block body: scrollIntoView returns a promise in newer browsers, and an effect may only return a cleanup.
    void document.getElementById(`step-header-${open}`)?.scrollIntoView({ block: 'nearest' });
  }, [open]);
  return (
    // The dataset step's table has a column per case property and per run and region: the sidebar
    // widens while it is open, so the per-case Dice can be read, not cut off at two columns.
    <aside className={`panel steps${open === 'dataset' ? ' wide' : ''}`} aria-label="Workflow">
      {STEPS.map((step, i) => {
        const status = stepStatus(step.id, work);
        const isOpen = open === step.id;
        // A step that still needs its own work offers no way past it.
        const next = isOpen && status.state !== 'needs' ? nextStep(step.id, work) : null;
        return (
          <section key={step.id} className={`step${isOpen ? ' open' : ''}`} data-testid={`step-${step.id}`}>
            <h2 className="step-heading">
              <button
                type="button"
                id={`step-header-${step.id}`}
                className="step-header"
                aria-expanded={isOpen}
                aria-controls={`step-body-${step.id}`}
                onClick={() => openStep(step.id)}
                onKeyDown={(e) => moveFocus(e, i)}
              >
                <span className={`step-number ${status.state}`} aria-hidden="true">
                  {status.state === 'done' ? '✓' : i + 1}
                </span>
                <span className="step-title" id={`step-title-${step.id}`}>
                  {step.title}
                </span>
                <span className={`step-state ${status.state}`} data-testid={`step-state-${step.id}`}>
                  {STATE_TEXT[status.state]}: {status.summary}
                </span>
              </button>
            </h2>
            <div id={`step-body-${step.id}`} role="region" aria-labelledby={`step-title-${step.id}`} className="step-body" hidden={!isOpen}>
              {BODIES[step.id]()}
              {next && (
                <button type="button" className="step-next" onClick={() => openStep(next)}>
                  Next: {STEPS.find((s) => s.id === next)!.title} →
                </button>
              )}
            </div>
          </section>
        );
      })}
    </aside>
  );
}
