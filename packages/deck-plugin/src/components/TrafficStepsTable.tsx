import React from 'react';
import type { IFormInputProps } from '@spinnaker/core';
import { parseJsonParam, type TrafficStep } from '../values.js';

const toSteps = (text: unknown): TrafficStep[] => {
  const parsed = parseJsonParam(text ?? '[]');
  return parsed.ok && Array.isArray(parsed.value) ? (parsed.value as TrafficStep[]) : [];
};

/** Lambda traffic steps: weight on the new version and how long each step bakes. */
export function TrafficStepsTable(props: IFormInputProps & { onTouch: () => void }) {
  const [steps, setSteps] = React.useState<TrafficStep[]>(() => toSteps(props.value));
  const write = (next: TrafficStep[]) => {
    setSteps(next);
    props.onChange?.({ target: { name: props.name, value: JSON.stringify(next) } } as any);
    props.onTouch();
  };
  const num = (s: string) => (s.trim() === '' ? (undefined as unknown as number) : Number(s));
  return (
    <div className="outrigger-steps">
      <table className="table table-condensed">
        <thead>
          <tr>
            <th>Step</th>
            <th>Weight (%)</th>
            <th>Bake (s)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {steps.map((s, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>
                <input type="number" className="form-control input-sm" name={`weight-${i}`} value={s.weight ?? ''} onChange={(e) => write(steps.map((t, j) => (j === i ? { ...t, weight: num(e.target.value) } : t)))} />
              </td>
              <td>
                <input type="number" className="form-control input-sm" name={`bake-${i}`} value={s.bakeSeconds ?? ''} onChange={(e) => write(steps.map((t, j) => (j === i ? { ...t, bakeSeconds: num(e.target.value) } : t)))} />
              </td>
              <td>
                <button type="button" className="btn btn-sm btn-default" onClick={() => write(steps.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn btn-sm btn-default add-step" onClick={() => write([...steps, { weight: 100 }])}>
        Add step
      </button>
    </div>
  );
}
