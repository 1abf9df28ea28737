/** Inline SVG icons (24×24, currentColor). */
import type { ReactElement } from 'react';

function Svg({ children, label }: { children: ReactElement | ReactElement[]; label?: string }): ReactElement {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2"
      strokeLinecap="round" strokeLinejoin="round" role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true}>
      {children}
    </svg>
  );
}

export const MicIcon = (): ReactElement => (
  <Svg><rect x="9" y="2" width="6" height="12" rx="3" /><path d="M5 10a7 7 0 0 0 14 0M12 17v4" /></Svg>
);
export const MicOffIcon = ({ label }: { label?: string }): ReactElement => (
  <Svg {...(label ? { label } : {})}>
    <path d="M9 5a3 3 0 0 1 6 0v5M15 13.5A3 3 0 0 1 9 11V9M5 10a7 7 0 0 0 11.5 5.4M19 10a7 7 0 0 1-.6 2.8M12 17v4" />
    <path d="M3 3l18 18" />
  </Svg>
);
export const CameraIcon = (): ReactElement => (
  <Svg><rect x="2" y="6" width="14" height="12" rx="2" /><path d="M16 10l6-3v10l-6-3z" /></Svg>
);
export const CameraOffIcon = (): ReactElement => (
  <Svg><path d="M16 16H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2M10 6h4a2 2 0 0 1 2 2v2l6-3v10" /><path d="M3 3l18 18" /></Svg>
);
export const ScreenIcon = (): ReactElement => (
  <Svg><rect x="2" y="4" width="20" height="13" rx="2" /><path d="M8 21h8M12 17v4" /></Svg>
);
export const ChatIcon = (): ReactElement => (
  <Svg><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" /></Svg>
);
export const FileIcon = (): ReactElement => (
  <Svg><path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" /><path d="M14 3v6h6" /></Svg>
);
export const LeaveIcon = (): ReactElement => (
  <Svg><path d="M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4M10 17l-5-5 5-5M5 12h11" /></Svg>
);
