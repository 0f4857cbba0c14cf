import Link from "next/link";

export const dynamic = "force-dynamic";

const AUDIENCES = [
  {
    title: "People with a phone number or email",
    body: "Prove the number or address is yours with a one-time code, then choose the messaging apps where people may reach you, and for whom. You sign every choice with your passkey, and you can change or remove it at any time.",
  },
  {
    title: "Telcos and email providers",
    body: "Remove the mappings of numbers and addresses you released, reassigned or ported out, inside the number ranges and domains approved for you, in the browser or by API.",
  },
  {
    title: "Messaging services",
    body: "Look up one identifier or a whole address book and verify each answer offline against our published keys. Lookups never say who is asking, and rate limits stop enumeration.",
  },
];

export default function HomePage() {
  return (
    <div className="flex flex-col gap-10">
      <section className="flex flex-col gap-4">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">
          Be reachable on the apps you choose, by the people you choose.
        </h1>
        <p className="max-w-2xl text-lg text-slate-700">
          People know you by your phone number or email address, which says nothing about the messaging apps you use.
          mimi-discovery lets you publish where you can be reached: only with your consent, verifiably, and without
          anyone learning who looks up whom.
        </p>
        <div>
          <Link href="/sign-in" className="inline-flex rounded-md bg-indigo-700 px-5 py-2.5 font-semibold text-white hover:bg-indigo-800">
            Sign in with your number or email
          </Link>
        </div>
      </section>
      <section aria-labelledby="who" className="flex flex-col gap-4">
        <h2 id="who" className="text-xl font-semibold">
          Who it is for
        </h2>
        <ul className="grid gap-4 sm:grid-cols-3">
          {AUDIENCES.map((audience) => (
            <li key={audience.title} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <h3 className="font-semibold text-slate-900">{audience.title}</h3>
              <p className="mt-2 text-sm text-slate-700">{audience.body}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
