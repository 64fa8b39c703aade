/**
 * The one lock for the model's lifecycle: loading, unloading and thread calibration run one at a
 * time, in the order they were asked for (lifecycle-utils `withLock` queues them).
 */
import { isLockActive, withLock } from "lifecycle-utils";

export class ModelLock {
  run<T>(work: () => Promise<T>): Promise<T> {
    return withLock([this, "model"], work);
  }

  isHeld(): boolean {
    return isLockActive([this, "model"]);
  }
}
