import { CasePanel } from './components/CasePanel.tsx';
import { DropZone } from './components/DropZone.tsx';
import { FeaturesPanel } from './components/FeaturesPanel.tsx';
import { Messages } from './components/Messages.tsx';
import { ModelPanel } from './components/ModelPanel.tsx';
import { Toolbar } from './components/Toolbar.tsx';
import { TrainingPanel } from './components/TrainingPanel.tsx';
import { Viewer } from './components/Viewer.tsx';

export function App() {
  return (
    <DropZone>
      <Toolbar />
      <Messages />
      <div className="workspace">
        <aside className="panel">
          <CasePanel />
          <ModelPanel />
          <FeaturesPanel />
          <TrainingPanel />
        </aside>
        <Viewer />
      </div>
    </DropZone>
  );
}
