import { useExperiments } from '../state/experiments.ts';
import { setMainView, useView } from '../state/view.ts';
import { ComparisonView } from './components/ComparisonView.tsx';
import { DropZone } from './components/DropZone.tsx';
import { Messages } from './components/Messages.tsx';
import { Steps } from './components/Steps.tsx';
import { Toolbar } from './components/Toolbar.tsx';
import { Viewer } from './components/Viewer.tsx';

export function App() {
  const main = useView((s) => s.mainView);
  const selected = useExperiments((s) => s.selected.length);
  return (
    <DropZone>
      <Toolbar />
      <div className="workspace">
        <Steps />
        <div className="main">
          <Messages />
          <nav className="tabs" role="tablist">
            <button type="button" role="tab" aria-selected={main === 'viewer'} onClick={() => setMainView('viewer')}>
              Viewer
            </button>
            <button type="button" role="tab" aria-selected={main === 'comparison'} onClick={() => setMainView('comparison')}>
              Comparison{selected ? ` (${selected})` : ''}
            </button>
          </nav>
          {/* The viewer stays mounted (Niivue keeps its state) and is hidden behind the comparison. */}
          <div className={main === 'viewer' ? 'main-view' : 'main-view hidden'}>
            <Viewer />
          </div>
          {main === 'comparison' && <ComparisonView />}
        </div>
      </div>
    </DropZone>
  );
}
