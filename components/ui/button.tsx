import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger" | "link";

const VARIANTS: Record<Variant, string> = {
  primary: "rounded-md px-4 py-2 font-semibold bg-indigo-700 text-white hover:bg-indigo-800 disabled:bg-indigo-400",
  secondary: "rounded-md px-4 py-2 font-semibold border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "rounded-md px-4 py-2 font-semibold border border-red-300 bg-white text-red-800 hover:bg-red-50 disabled:text-red-300",
  link: "text-indigo-700 underline underline-offset-2 hover:text-indigo-900",
};

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      className={`inline-flex items-center justify-center gap-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
      {...props}
    />
  );
}
