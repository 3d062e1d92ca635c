// A page outside Deck that loads outrigger's Deck plugin exactly as Deck does:
//  - Deck's shared libraries on window.spinnaker.plugins.sharedLibraries (names from
//    deck/packages/core/src/plugins/sharedLibraries.ts), filled after core is imported (core replaces window.spinnaker);
//  - AngularJS bootstrapped with ngimport, so core's REST/$http work;
//  - core's own PluginRegistry: loadPluginManifestFromGate() (GET {gateUrl}/plugins/deck/plugin-manifest.json) and
//    loadPlugins() (native import() of {gateUrl}/plugins/deck/{id}/{version}/index.js), which registers the stages
//    in core's Registry.pipeline (deck/packages/core/src/plugins/plugin.registry.ts).
import './globals.js';
import * as angular from 'angular';
import * as ngimport from 'ngimport';
import * as core from '@spinnaker/core';
import * as uiRouterCore from '@uirouter/core';
import * as uiRouterReact from '@uirouter/react';
import * as uiRouterRx from '@uirouter/rx';
import ajv from 'ajv';
import * as lodash from 'lodash';
import propTypes from 'prop-types';
import React from 'react';
import ReactDOM from 'react-dom';
import * as reactRedux from 'react-redux';
import * as reduxActions from 'redux-actions';
import * as reselect from 'reselect';
import * as rxjs from 'rxjs';

const libraries = {
  ajv,
  '@spinnaker/core': core,
  '@spinnaker/kayenta': {}, // not in core 0.29.1's dependencies; no outrigger stage uses it
  '@uirouter/core': uiRouterCore,
  '@uirouter/react': uiRouterReact,
  '@uirouter/rx': uiRouterRx,
  lodash,
  'prop-types': propTypes,
  react: React,
  'react-dom': ReactDOM,
  'react-redux': reactRedux,
  'redux-actions': reduxActions,
  reselect,
  rxjs,
  'rxjs/Observable': { Observable: rxjs.Observable },
};
window.spinnaker = window.spinnaker || {};
window.spinnaker.plugins = window.spinnaker.plugins || {};
window.spinnaker.plugins.sharedLibraries = window.spinnaker.plugins.sharedLibraries || {};
for (const [name, lib] of Object.entries(libraries)) window.spinnaker.plugins.sharedLibraries[name.replace(/\W/g, '_')] = lib;

angular.module('outriggerHarness', ['bcherny/ngimport']);
angular.bootstrap(document.getElementById('ng'), ['outriggerHarness']);

const errors = [];
window.addEventListener('error', (e) => errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => errors.push(String(e.reason && (e.reason.message || e.reason))));

const application = { name: 'myapp', attributes: {}, getDataSource: () => ({ data: [] }) };
const pipeline = { id: 'p1', name: 'outrigger', application: 'myapp', stages: [], triggers: [], parameterConfig: [] };
let root = document.getElementById('root');

window.harness = {
  errors,
  stage: undefined,
  async loadPlugins() {
    const registry = new core.PluginRegistry();
    const manifest = await registry.loadPluginManifestFromGate();
    await registry.loadPlugins();
    return manifest.map((m) => ({ id: m.id, version: m.version }));
  },
  stageTypes() {
    return core.Registry.pipeline.getStageTypes().map((s) => ({ key: s.key, label: s.label, alias: s.alias, cloudProvider: s.cloudProvider }));
  },
  /**
   * What Deck does with each entry of Gate's GET /webhooks/preconfigured once Gate answers
   * (deck/packages/core/src/pipeline/config/stages/webhook/webhookStage.ts): a generic webhook form under its type.
   */
  registerPreconfiguredWebhooks(webhooks) {
    for (const w of webhooks) {
      core.Registry.pipeline.registerStage({
        label: w.label,
        description: w.description,
        key: w.type,
        alias: 'preconfiguredWebhook',
        addAliasToConfig: true,
        producesArtifacts: true,
        restartable: true,
        validators: [],
        configuration: { preconfiguredProperties: w.preconfiguredProperties, waitForCompletion: w.waitForCompletion, parameters: w.parameters },
      });
    }
  },
  /** The stage picker's list for an application with these accounts (PipelineRegistry.getConfigurableStageTypes). */
  configurableStageTypes(accounts) {
    return core.Registry.pipeline.getConfigurableStageTypes(accounts).map((s) => ({ key: s.key, label: s.label, cloudProvider: s.cloudProvider }));
  },
  /** What Deck does when a stage type is picked: a new stage with the type's defaults, and its alias when asked. */
  newStage(key) {
    const config = core.Registry.pipeline.getStageConfig({ type: key });
    const stage = { type: key, name: config.label, refId: '1', requisiteStageRefIds: [], ...lodash.cloneDeep(config.defaults || {}) };
    if (config.addAliasToConfig) stage.alias = config.alias;
    return stage;
  },
  renderConfig(key, stage) {
    const config = core.Registry.pipeline.getStageConfig(stage);
    if (config.key !== key) throw new Error(`getStageConfig chose ${config.key} for ${key}`);
    window.harness.stage = lodash.cloneDeep(stage);
    const current = lodash.cloneDeep(stage);
    const updateStage = (changes) => {
      Object.assign(current, changes);
      window.harness.stage = lodash.cloneDeep(current);
    };
    ReactDOM.unmountComponentAtNode(root);
    ReactDOM.render(
      React.createElement(
        'div',
        { className: 'container-fluid' },
        React.createElement('h3', null, `${config.label} (${config.key})`),
        React.createElement(config.component, { application, pipeline, stage: current, updateStage, updateStageField: updateStage, stageFieldUpdated: () => {} }),
      ),
      root,
    );
  },
  /** Deck's pipeline validators (`validators: [{type: 'requiredField', ...}]`) run over the stage as Deck does before save. */
  requiredFieldsMissing(stage) {
    const config = core.Registry.pipeline.getStageConfig(stage);
    return (config.validators || []).filter((v) => v.type === 'requiredField' && (lodash.get(stage, v.fieldName) === undefined || lodash.get(stage, v.fieldName) === '')).map((v) => v.fieldName);
  },
  renderDetails(stage) {
    const config = core.Registry.pipeline.getStageConfig(stage);
    const sections = config.executionDetailsSections;
    const Section = sections[0];
    ReactDOM.unmountComponentAtNode(root);
    ReactDOM.render(
      React.createElement(
        'div',
        { className: 'container-fluid execution-details' },
        React.createElement('h3', null, `${config.label}: ${stage.status}`),
        React.createElement('div', { className: 'small' }, `sections: ${sections.map((s) => s.title).join(', ')}`),
        React.createElement(Section, { application, execution: { id: 'e1', application: 'myapp', stages: [stage] }, stage, provider: 'aws', config, detailsSections: sections, name: Section.title, current: Section.title }),
      ),
      root,
    );
  },
};
window.harness.debug = () => ({ http: typeof ngimport.$http, httpGet: typeof (ngimport.$http && ngimport.$http.get) });
window.harnessReady = true;
