import { type ReactNode, useEffect, useId, useRef } from "react";
import "./ui.css";

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** "modal" is centred ("wide" too, for long content); "drawer" slides in from the right. */
  variant?: "modal" | "wide" | "drawer";
  testId?: string;
  closeTestId?: string;
}

/** A native modal <dialog>: focus trapping, Escape and the backdrop come from the browser. */
export function Dialog({
  title,
  onClose,
  children,
  variant = "modal",
  testId,
  closeTestId,
}: Readonly<DialogProps>) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      // The dialog unmounts rather than closing itself, so hand focus back to what opened it.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${variant === "wide" ? "modal dialog-wide" : variant}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="icon-button"
          onClick={onClose}
          aria-label="Close"
          data-testid={closeTestId}
        >
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
