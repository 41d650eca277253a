// Viewports of the browser scenario, shared by the step modules.

/** A phone-sized viewport, as the issue asks for the employee. */
export const PHONE = { width: 360, height: 740 };
/** A desktop viewport. */
export const DESKTOP = { width: 1280, height: 800 };
