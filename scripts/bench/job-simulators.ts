// An in-process FullStory simulator whose memory does not grow with the import: each batch job is handled by a
// simulator of its own, dropped once the job's results have been read. A single simulator keeps every user it
// ever stored (as FullStory does), which would measure the simulator's database instead of the importer.
import {
  createFullStorySimulator,
  type FullStorySimulator,
  type FullStorySimulatorOptions,
} from "../../src/testing/fullstory.js";

const BATCH = "/v2/users/batch";
const SEPARATOR = "~";

export interface JobSimulators {
  /** A fetch for the client's `fetch` option. */
  fetch(request: Request): Promise<Response>;
  /** Simulators alive now (jobs created and not yet read to their end). */
  readonly live: number;
  /** Most simulators alive at once. */
  readonly peakLive: number;
  /** Users imported by all jobs so far, and users imported twice within one job. */
  readonly users: number;
  readonly duplicateWrites: number;
}

export function jobSimulators(options: FullStorySimulatorOptions): JobSimulators {
  const live = new Map<string, FullStorySimulator>();
  /** Per live job, how many of its two result lists were read to their last page. */
  const listsRead = new Map<string, number>();
  let seq = 0;
  let peakLive = 0;
  let users = 0;
  let duplicateWrites = 0;

  function retire(prefix: string, simulator: FullStorySimulator): void {
    const stats = simulator.stats();
    users += stats.users;
    duplicateWrites += stats.duplicateWrites;
    live.delete(prefix);
  }

  async function create(request: Request): Promise<Response> {
    const prefix = String(++seq);
    const simulator = createFullStorySimulator(options);
    const response = await simulator.handle(request);
    if (response.status !== 200) return response;
    const body = (await response.json()) as { job: { id: string } };
    body.job.id = `${prefix}${SEPARATOR}${body.job.id}`;
    live.set(prefix, simulator);
    peakLive = Math.max(peakLive, live.size);
    return Response.json(body, { status: response.status });
  }

  async function forward(request: Request, url: URL): Promise<Response> {
    const rest = url.pathname.slice(BATCH.length + 1);
    const [jobId = "", ...tail] = rest.split("/");
    const decoded = decodeURIComponent(jobId);
    const cut = decoded.indexOf(SEPARATOR);
    const prefix = decoded.slice(0, cut);
    const simulator = live.get(prefix);
    if (cut < 0 || simulator === undefined) {
      return Response.json(
        { message: `no job ${decoded}`, code: "resource_not_found" },
        { status: 404 },
      );
    }
    const inner = new URL(url);
    inner.pathname = [BATCH, encodeURIComponent(decoded.slice(cut + 1)), ...tail].join("/");
    const response = await simulator.handle(new Request(inner, request));
    // The adapter reads /imports and /errors at once: the job ends when the last page of both was read.
    const list = tail[0];
    if ((list === "imports" || list === "errors") && response.status === 200) {
      const page = (await response.clone().json()) as { next_page_token?: string };
      if (page.next_page_token === undefined || page.next_page_token === "") {
        const read = (listsRead.get(prefix) ?? 0) + 1;
        listsRead.set(prefix, read);
        if (read === 2) {
          listsRead.delete(prefix);
          retire(prefix, simulator);
        }
      }
    }
    return response;
  }

  return {
    fetch(request) {
      const url = new URL(request.url);
      if (request.method === "POST" && url.pathname === BATCH) return create(request);
      if (url.pathname.startsWith(`${BATCH}/`)) return forward(request, url);
      return Promise.resolve(
        Response.json(
          { message: "not simulated here", code: "resource_not_found" },
          { status: 404 },
        ),
      );
    },
    get live() {
      return live.size;
    },
    get peakLive() {
      return peakLive;
    },
    get users() {
      return users;
    },
    get duplicateWrites() {
      return duplicateWrites;
    },
  };
}
