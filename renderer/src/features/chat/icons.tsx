/** Small stroke icons for the message tools (decorative: every button carries its own label). */
const PATHS = {
  regenerate: "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
  edit: "M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4",
  delete: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  branch: "M6 3v12M18 9a3 3 0 1 0 0-.01M6 21a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 12c0 4-6 3-12 5",
  info: "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 16v-5M12 8h.01",
  continue: "M5 12h11M12 6l6 6-6 6M20 5v14",
  prev: "M15 18l-6-6 6-6",
  next: "M9 18l6-6-6-6",
  inspect: "M4 6h16M4 12h10M4 18h6M17 15l3 3m-1-5a3 3 0 1 1-6 0 3 3 0 0 1 6 0z",
  sliders: "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M16 4v4M10 10v4M18 16v4",
  impersonate: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c1-4 4-6 8-6M16 20l4-4-2-2-4 4v2h2z",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: Readonly<{ name: IconName; size?: number }>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
