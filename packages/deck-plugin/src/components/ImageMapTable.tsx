import React from 'react';
import type { IFormInputProps } from '@spinnaker/core';
import type { StageDefinition } from '../stages/definitions.js';
import { previewRender } from '../outriggerApi.js';
import { parseJsonParam } from '../values.js';

interface Finding {
  severity: string;
  code: string;
  pointer: string;
  message: string;
  container?: string;
}

const toRows = (text: unknown): [string, string][] => {
  const parsed = parseJsonParam(text ?? '{}');
  return parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)
    ? Object.entries(parsed.value as Record<string, string>)
    : [];
};

/**
 * ECS container → image mapping, one row per container, with the findings of a preview render shown on the row of
 * the container they name (and the others under the table).
 */
export function ImageMapTable(props: IFormInputProps & { onTouch: () => void; def: StageDefinition; stage: any }) {
  const [rows, setRows] = React.useState<[string, string][]>(() => toRows(props.value));
  const [findings, setFindings] = React.useState<Finding[] | undefined>();
  const [previewError, setPreviewError] = React.useState<string | undefined>();
  const [previewing, setPreviewing] = React.useState(false);
  const write = (next: [string, string][]) => {
    setRows(next);
    const obj: Record<string, string> = {};
    for (const [c, i] of next) obj[c] = i;
    props.onChange?.({ target: { name: props.name, value: JSON.stringify(obj) } } as any);
    props.onTouch();
  };
  const preview = () => {
    const v = props.stage?.parameterValues ?? {};
    const artifact = parseJsonParam(v.artifact);
    setPreviewing(true);
    setPreviewError(undefined);
    Promise.resolve(
      previewRender({
        credentials: v.account,
        region: v.region,
        application: props.stage?.application ?? undefined,
        stack: v.stack,
        freeFormDetails: v.freeFormDetails,
        ecsClusterName: v.ecsClusterName,
        artifact: artifact.ok ? artifact.value : undefined,
        containerToImageMap: Object.fromEntries(rows),
        failOnError: false,
      }),
    )
      .then((r: any) => setFindings(r?.findings ?? []))
      .catch((err: any) => {
        setFindings(undefined);
        const errors = err?.data?.errors;
        setPreviewError(Array.isArray(errors) && errors.length ? errors.map((e: any) => `${e.field}: ${e.message}`).join('; ') : err?.data?.message ?? 'Preview failed');
      })
      .finally(() => setPreviewing(false));
  };
  const forRow = (c: string) => (findings ?? []).filter((f) => f.container === c);
  const unplaced = (findings ?? []).filter((f) => !f.container || !rows.some(([c]) => c === f.container));
  return (
    <div className="outrigger-image-map">
      <table className="table table-condensed">
        <thead>
          <tr>
            <th>Container</th>
            <th>Image</th>
            <th>Preview</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map(([c, img], i) => (
            <tr key={i} className="outrigger-image-row">
              <td>
                <input className="form-control input-sm" name={`container-${i}`} value={c} placeholder="container name" onChange={(e) => write(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
              </td>
              <td>
                <input className="form-control input-sm" name={`image-${i}`} value={img} placeholder="registry/repository:tag" onChange={(e) => write(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
              </td>
              <td className="outrigger-row-findings">
                {findings === undefined ? null : forRow(c).length === 0 ? (
                  <span className="text-success">no findings</span>
                ) : (
                  forRow(c).map((f, k) => (
                    <div key={k} className={f.severity === 'error' ? 'text-danger' : 'text-warning'}>
                      {f.severity}: {f.message}
                    </div>
                  ))
                )}
              </td>
              <td>
                <button type="button" className="btn btn-sm btn-default" onClick={() => write(rows.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn btn-sm btn-default add-container" onClick={() => write([...rows, ['', '']])}>
        Add container
      </button>{' '}
      <button type="button" className="btn btn-sm btn-primary preview-render" disabled={previewing} onClick={preview}>
        {previewing ? 'Previewing…' : 'Preview render'}
      </button>
      {previewError && <div className="alert alert-danger outrigger-preview-error">{previewError}</div>}
      {unplaced.length > 0 && (
        <ul className="outrigger-other-findings">
          {unplaced.map((f, k) => (
            <li key={k} className={f.severity === 'error' ? 'text-danger' : 'text-warning'}>
              {f.severity} {f.code} at {f.pointer}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
