import type { FormState } from "@/web/form-state";
import { Alert } from "./alert";

export function FormMessage({ state }: { state: FormState }) {
  if (!state.message) return null;
  return <Alert tone={state.tone === "success" ? "success" : "error"}>{state.message}</Alert>;
}
