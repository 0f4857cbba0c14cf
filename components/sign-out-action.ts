"use server";

import { signOut } from "@/web/auth";

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
