import React from 'react';
import {
  CheckboxInput,
  FormikFormField,
  FormikStageConfig,
  HelpField,
  NumberInput,
  ReactSelectInput,
  TextAreaInput,
  TextInput,
} from '@spinnaker/core';
import type { IFormikStageConfigInjectedProps, IFormInputProps, IStageConfigProps } from '@spinnaker/core';
import type { StageDefinition, StageParameter } from '../stages/definitions.js';
import { listAccounts, type OutriggerAccount } from '../outriggerApi.js';
import { isSent, validateStage } from '../values.js';
import { ImageMapTable } from './ImageMapTable.js';
import { StringListTable } from './StringListTable.js';
import { TrafficStepsTable } from './TrafficStepsTable.js';

/** `code` spans of the definitions' text as <code>. */
const withCode = (text: string) => text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part));

const asNumber = (v: unknown) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v);

const accepts = (p: StageParameter, a: OutriggerAccount) =>
  p.capability === 'lambda' ? a.lambdaEnabled : p.capability === 'ecs' ? a.ecsEnabled : !a.awsAccount;

/** One stage's form: a field per parameter of its definition, with Deck's own form components. */
function StageForm(props: IFormikStageConfigInjectedProps & { def: StageDefinition }) {
  const { def, formik } = props;
  const values: Record<string, any> = (formik.values as any).parameterValues ?? {};
  const [accounts, setAccounts] = React.useState<OutriggerAccount[] | undefined>();
  const [accountsError, setAccountsError] = React.useState<string | undefined>();
  React.useEffect(() => {
    listAccounts().then(setAccounts, (err: any) => setAccountsError(`Could not read outrigger's accounts: ${err?.data?.message ?? err?.message ?? err?.status ?? 'no answer'}`));
  }, []);
  const accountParam = def.parameters.find((p) => p.type === 'account');
  const chosen = accounts?.find((a) => a.name === values[accountParam?.name ?? '']);

  const field = (p: StageParameter) => {
    if (p.sendWhen && p.sendWhen.param !== p.name && !isSent(p, values)) return null;
    const name = `parameterValues.${p.name}`;
    const common = { key: p.name, name, label: p.label, required: p.required, help: <HelpField content={p.help} /> };
    const touch = () => formik.setFieldTouched(name, true, false);
    switch (p.type) {
      case 'account': {
        const names = (accounts ?? []).filter((a) => accepts(p, a)).map((a) => a.name);
        return <FormikFormField {...common} input={(ip: IFormInputProps) => <ReactSelectInput {...ip} clearable={false} stringOptions={names} placeholder={accounts ? 'Select an account' : 'Loading accounts…'} />} />;
      }
      case 'region': {
        const regions = (chosen?.regions ?? []).map((r) => r.name);
        return <FormikFormField {...common} input={(ip: IFormInputProps) => <ReactSelectInput {...ip} clearable={false} stringOptions={regions} placeholder={chosen ? 'Select a region' : 'Select an account first'} />} />;
      }
      case 'enum':
        return <FormikFormField {...common} input={(ip: IFormInputProps) => <ReactSelectInput {...ip} clearable={false} stringOptions={[...(p.options ?? [])]} />} />;
      case 'integer':
        // Deck's NumberInput checks min/max only on numbers: keep digits as numbers (Orca's text defaults arrive as strings).
        return <FormikFormField {...common} input={(ip: IFormInputProps) => <NumberInput {...ip} value={asNumber(ip.value)} min={p.min} max={p.max} />} />;
      case 'boolean':
        return (
          <FormikFormField
            {...common}
            input={(ip: IFormInputProps) => (
              <CheckboxInput {...ip} value={ip.value === true || ip.value === 'true'} onChange={(e: any) => formik.setFieldValue(name, String(!!e.target.checked))} text={p.label} />
            )}
          />
        );
      case 'json':
      case 'jsonList':
        return <FormikFormField {...common} input={(ip: IFormInputProps) => <TextAreaInput {...ip} rows={3} className="form-control monospace" />} />;
      case 'imageMap':
        return <FormikFormField {...common} touched={formik.submitCount > 0 || !!(formik.touched as any)?.parameterValues?.[p.name]} input={(ip: IFormInputProps) => <ImageMapTable {...ip} onTouch={touch} def={def} stage={formik.values as any} />} />;
      case 'trafficSteps':
        return <FormikFormField {...common} touched={!!(formik.touched as any)?.parameterValues?.[p.name]} input={(ip: IFormInputProps) => <TrafficStepsTable {...ip} onTouch={touch} />} />;
      case 'stringList':
        return <FormikFormField {...common} touched={!!(formik.touched as any)?.parameterValues?.[p.name]} input={(ip: IFormInputProps) => <StringListTable {...ip} onTouch={touch} addLabel={p.name === 'alarms' ? 'Add alarm' : `Add ${p.label.toLowerCase().replace(/s$/, '')}`} />} />;
      default:
        return <FormikFormField {...common} input={(ip: IFormInputProps) => <TextInput {...ip} />} />;
    }
  };

  return (
    <div className={`form-horizontal outrigger-stage outrigger-${def.key}`}>
      {accountsError && <div className="alert alert-danger">{accountsError}</div>}
      <p className="small">{withCode(def.extendedDescription)}</p>
      {def.parameters.map((p) => {
        const f = field(p);
        return f ? (
          <div key={p.name} className="outrigger-field" data-param={p.name}>
            {f}
          </div>
        ) : null;
      })}
    </div>
  );
}

/** The `component` of a stage config: Deck's FormikStageConfig, validated with the definition, writing the stage on change. */
export function makeStageConfig(def: StageDefinition): React.ComponentType<IStageConfigProps> {
  const Config = (props: IStageConfigProps) => (
    <FormikStageConfig
      {...props}
      validate={(stage: any) => validateStage(def, stage) as any}
      onChange={props.updateStage}
      render={(p: IFormikStageConfigInjectedProps) => <StageForm {...p} def={def} />}
    />
  );
  Config.displayName = `${def.key}Config`;
  return Config;
}
