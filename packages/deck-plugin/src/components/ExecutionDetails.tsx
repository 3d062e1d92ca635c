import React from 'react';
import { ExecutionDetailsSection, ExecutionDetailsTasks } from '@spinnaker/core';
import type { IExecutionDetailsSectionProps } from '@spinnaker/core';
import type { StageDefinition } from '../stages/definitions.js';
import { getTask } from '../outriggerApi.js';

const get = (o: any, path: string) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);

function Row(props: { label: string; children: React.ReactNode }) {
  return (
    <div className="row">
      <div className="col-md-3">
        <strong>{props.label}</strong>
      </div>
      <div className="col-md-9">{props.children}</div>
    </div>
  );
}

function TaskHistory(props: { taskId: string }) {
  const [task, setTask] = React.useState<any>();
  const [error, setError] = React.useState<string>();
  React.useEffect(() => {
    Promise.resolve(getTask(props.taskId)).then(setTask, (e: any) => setError(e?.data?.message ?? 'could not read the task'));
  }, [props.taskId]);
  if (error) return <div className="text-danger">Task {props.taskId}: {error}</div>;
  if (!task) return <div>Loading task {props.taskId}…</div>;
  return (
    <table className="table table-condensed outrigger-task-history">
      <thead>
        <tr>
          <th>Time</th>
          <th>Phase</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {(task.history ?? []).map((h: any, i: number) => (
          <tr key={i}>
            <td>{h.timestamp ? new Date(h.timestamp).toISOString().slice(11, 19) : ''}</td>
            <td>{h.phase}</td>
            <td>{h.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RenderResult({ body }: { body: any }) {
  const findings: any[] = body.findings ?? [];
  return (
    <div className="outrigger-render-result">
      <Row label="Rendered">{body.ok ? 'ok' : 'with errors'} ({body.id})</Row>
      <table className="table table-condensed outrigger-images">
        <thead>
          <tr>
            <th>Container</th>
            <th>Image</th>
            <th>Source</th>
            <th>Findings</th>
          </tr>
        </thead>
        <tbody>
          {(body.images ?? []).map((b: any) => (
            <tr key={b.containerName}>
              <td>{b.containerName}</td>
              <td>{b.image}</td>
              <td>{b.source}</td>
              <td>
                {findings
                  .filter((f) => f.container === b.containerName)
                  .map((f, i) => (
                    <div key={i} className={f.severity === 'error' ? 'text-danger' : 'text-warning'}>
                      {f.severity}: {f.message}
                    </div>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {findings.filter((f) => !f.container).map((f, i) => (
        <div key={i} className={f.severity === 'error' ? 'text-danger' : 'text-warning'}>
          {f.severity} {f.code} at {f.pointer}: {f.message}
        </div>
      ))}
      <h5>Diff {body.diff?.against ? `against ${body.diff.against.serverGroupName}` : '(no running server group)'}</h5>
      <table className="table table-condensed outrigger-diff">
        <tbody>
          {(body.diff?.changes ?? []).map((c: any, i: number) => (
            <tr key={i}>
              <td>{c.op}</td>
              <td>
                <code>{c.path}</code>
              </td>
              <td>{c.from === undefined ? '' : JSON.stringify(c.from)}</td>
              <td>{c.value === undefined ? '' : JSON.stringify(c.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RetentionResult({ body }: { body: any }) {
  return (
    <div className="outrigger-retention-result">
      <Row label="Dry run">{body.dryRun ? 'yes (nothing removed)' : 'no'}</Row>
      <Row label="Kept">{(body.kept ?? []).join(', ') || 'none'}</Row>
      <Row label={body.dryRun ? 'Would remove' : 'Removed'}>{(body.removed ?? []).join(', ') || 'none'}</Row>
      <Row label="Skipped">{(body.skipped ?? []).map((s: any) => `${s.imageId} (${s.reason})`).join(', ') || 'none'}</Row>
    </div>
  );
}

function Artifacts({ artifacts }: { artifacts: any[] }) {
  if (!artifacts?.length) return null;
  return (
    <Row label="Artifacts">
      <ul className="list-unstyled outrigger-artifacts">
        {artifacts.map((a, i) => (
          <li key={i}>
            <code>{a.type}</code> {a.name} {a.type === 'embedded/base64' ? '' : a.reference}
          </li>
        ))}
      </ul>
    </Row>
  );
}

/** The stage's result as outrigger answered it: progress, task history, result, artifacts, image ids, the diff. */
export function makeExecutionDetails(def: StageDefinition) {
  const Section = (props: IExecutionDetailsSectionProps) => {
    const { stage, name, current } = props;
    const webhook = get(stage, 'context.webhook') ?? {};
    const monitor = webhook.monitor ?? {};
    const body = def.completion === 'task' ? monitor.body ?? webhook.body ?? {} : webhook.body ?? {};
    const taskId: string | undefined = def.completion === 'task' ? body.id ?? webhook.body?.id : undefined;
    const message: string | undefined = monitor.progressMessage ?? body.message;
    const results: any[] = body.resultObjects ?? [];
    const failure = get(stage, 'context.webhook.error') ?? (body.status === 'TERMINAL' ? body.message : undefined);
    const status = typeof body.status === 'string' ? body.status : stage.status;
    return (
      <ExecutionDetailsSection name={name} current={current}>
        <div className={`outrigger-details outrigger-details-${def.key}`}>
          {def.completion === 'task' && (
            <>
              <Row label="Status">{status}</Row>
              {webhook.monitor && <Row label="Progress">{message ?? '—'}</Row>}
              {taskId && (
                <Row label="Task">
                  <TaskHistory taskId={taskId} />
                </Row>
              )}
              {results.filter((r) => r.type !== 'EXCEPTION').length > 0 && (
                <Row label="Result">
                  <pre className="outrigger-result-objects">{JSON.stringify(results.filter((r) => r.type !== 'EXCEPTION'), null, 2)}</pre>
                </Row>
              )}
            </>
          )}
          {def.key === 'outriggerEcsRender' && webhook.body && <RenderResult body={webhook.body} />}
          {def.key === 'outriggerImageRetention' && webhook.body && <RetentionResult body={webhook.body} />}
          <Artifacts artifacts={body.artifacts ?? webhook.body?.artifacts ?? []} />
          {failure && (
            <div className="alert alert-danger outrigger-failure">
              <strong>outrigger: </strong>
              {typeof failure === 'string' ? failure : JSON.stringify(failure)}
            </div>
          )}
        </div>
      </ExecutionDetailsSection>
    );
  };
  Section.title = 'outriggerResult';
  return Section;
}

export { ExecutionDetailsTasks };
