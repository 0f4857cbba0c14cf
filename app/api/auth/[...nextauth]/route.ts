import { handlers } from "@/web/auth";

export const { GET, POST } = handlers;
