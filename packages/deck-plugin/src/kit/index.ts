export { kitFiles, orcaProfile, gateProfile, clouddriverProfile, pluginsJson } from './kitFiles.js';
export { referencePage } from './referencePage.js';
export { orcaWebhook, payloadTemplate, urlTemplate, defaultOutriggerUrl, defaultParameterValues, isJsonValued } from './webhooks.js';
