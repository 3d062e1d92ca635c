// @spinnaker/kayenta stand-in: core's build requires it for the shared-library list; no outrigger stage uses it.
export default {};
