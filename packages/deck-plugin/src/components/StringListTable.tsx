import React from 'react';
import type { IFormInputProps } from '@spinnaker/core';
import { parseJsonParam } from '../values.js';

/** A list of names (CloudWatch alarms), one input per entry. */
export function StringListTable(props: IFormInputProps & { onTouch: () => void; addLabel: string }) {
  const initial = parseJsonParam(props.value ?? '[]');
  const [items, setItems] = React.useState<string[]>(initial.ok && Array.isArray(initial.value) ? (initial.value as string[]) : []);
  const write = (next: string[]) => {
    setItems(next);
    props.onChange?.({ target: { name: props.name, value: JSON.stringify(next) } } as any);
    props.onTouch();
  };
  return (
    <div className="outrigger-string-list">
      {items.map((item, i) => (
        <div key={i} className="input-group" style={{ marginBottom: 4 }}>
          <input className="form-control input-sm" name={`${props.name}-${i}`} value={item} onChange={(e) => write(items.map((x, j) => (j === i ? e.target.value : x)))} />
          <span className="input-group-btn">
            <button type="button" className="btn btn-sm btn-default" onClick={() => write(items.filter((_, j) => j !== i))}>
              Remove
            </button>
          </span>
        </div>
      ))}
      <button type="button" className="btn btn-sm btn-default add-item" onClick={() => write([...items, ''])}>
        {props.addLabel}
      </button>
    </div>
  );
}
