/** A small loader for the lore dialogs: runs a bridge call on mount, keeps its result and its error. */
import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiError, toApiError } from "../../../../shared/errors";

export function useLoaded<T>(load: () => Promise<T>) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // The first load function is the one used: a component that loads something else is remounted.
  const loader = useRef(load);
  const reload = useCallback(async () => {
    try {
      setValue(await loader.current());
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, setError, reload };
}

/** Runs an action, reporting its error; returns whether it succeeded. */
export async function attempt(
  action: () => Promise<unknown>,
  onError: (e: ApiError) => void,
): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (e) {
    onError(toApiError(e));
    return false;
  }
}
