// Evaluated before @spinnaker/core (first import of harness.js): what core reads while it loads
// (deck-harness.md: jQuery for Bootstrap's plugins, window.spinnakerSettings for SETTINGS).
import jquery from 'jquery';

window.$ = window.jQuery = jquery;
window.spinnakerSettings = {
  gateUrl: window.location.origin,
  bakeryDetailUrl: '',
  authEndpoint: window.location.origin + '/auth/user',
  defaultProviders: ['aws'],
  feature: {},
  newApplicationDefaults: {},
  providers: {},
  pagerDuty: {},
  notifications: {},
  hiddenStages: [],
};
