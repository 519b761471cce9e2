import { ModelPackInfo } from './ModelPackInfo/ModelPackInfo';
import { StatusBar } from './StatusBar/StatusBar';

export function App() {
  return (
    <main className="app">
      <header>
        <h1>Digits</h1>
        <p className="tagline">A small model on this device answers at once; the full model in the cloud settles the hard cases.</p>
      </header>
      <ModelPackInfo />
      <StatusBar />
    </main>
  );
}
