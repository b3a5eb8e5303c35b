// What the repeated-failure-detector action uses; tests import the modules themselves.
export { detectorContext } from './context';
export { detect, type DetectorInputs } from './detector';
export { sendNotifications, type NotifyOptions } from './notify';
export { EMPTY_OUTPUTS, reportDetection, setOutputs } from './outputs';
export { CONCLUSIONS } from './streaks';
export { reportUnread } from './unread-alert';
