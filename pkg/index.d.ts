/** Options for {@link createRapport}. */
export interface RapportOptions {
  /** Site id configured in the collector. */
  site: string;
  /** Base URL of the collector API, e.g. "https://shop.example/rapport". */
  endpoint: string;
  /**
   * Inline configuration, applied over the collector's site config (fetched from
   * `GET {endpoint}/v1/sites/{site}/config`): `locale`, `theme`, `cooldownDays`. Surveys are
   * defined only in the collector's configuration (see {@link InlineConfig}).
   */
  config?: InlineConfig | null;
  /** Where to read the site config instead of `{endpoint}/v1/sites/{site}/config` (e.g. a cached copy). */
  configUrl?: string;
  /** CSP nonce for the fallback `<style>` element when constructable stylesheets are unavailable. */
  nonce?: string;
  /** Load the widget module at once (default) rather than on the first command. */
  eager?: boolean;
}

/** Theme of the widget, applied through CSS custom properties inside its shadow root. */
export interface Theme {
  /** Brand colour, `#rgb` or `#rrggbb` (buttons, selected answers). */
  brand?: string;
  /** Brand colour while the widget is dark (`mode: "dark"`, or `"system"` in dark mode); defaults to `brand`, or `#818cf8` with neither set. */
  brandDark?: string;
  radius?: string;
  font?: string;
  position?: "bottom-right" | "bottom-left" | "top-right" | "top-left" | "center";
  mode?: "light" | "dark" | "system";
}

/** Text that is either one string or a map from locale tag to string. */
export type LocalizedText = string | Record<string, string>;

export type QuestionType =
  | "nps" | "csat" | "ces" | "thumbs" | "emoji" | "singleChoice" | "multipleChoice" | "openText";

export interface Question {
  id: string;
  type: QuestionType;
  text: LocalizedText;
  required?: boolean;
  lowLabel?: LocalizedText;
  highLabel?: LocalizedText;
  options?: { id: string; label: LocalizedText }[];
  other?: boolean;
  maxLength?: number;
  placeholder?: LocalizedText;
  branches?: { when: { min?: number; max?: number; equals?: unknown; anyOf?: unknown[] }; goto: string }[];
  next?: string;
}

export type Trigger =
  | { type: "pageLoad" }
  | { type: "delay"; seconds: number }
  | { type: "scroll"; percent: number }
  /**
   * `mobile`: a stand-in on touch screens, where no pointer leaves the page (a fast scroll up,
   * or a return to the page after it was hidden). Watched by the script-tag loader's
   * `touch.js`; `createRapport` has no touch watcher.
   */
  | { type: "exitIntent"; mobile?: "scrollUp" | "hidden" }
  | { type: "event"; event: string }
  | { type: "manual" };

export interface Survey {
  id: string;
  name?: string;
  trigger: Trigger;
  targeting?: { url?: { match: "exact" | "prefix" | "contains" | "glob" | "regex"; value: string } };
  throttle?: {
    sample?: number;
    frequency?: "once" | "untilAnswered" | "maxTimes" | "always";
    maxShows?: number;
    recontactDays?: number;
  };
  questions: Question[];
  thankYou?: { title?: LocalizedText; body?: LocalizedText };
}

/**
 * What a page may set inline (the `config` option and command), over the collector's site
 * config. Surveys are not among it: they are defined only in the collector's configuration,
 * which checks every answer against its own definition. A `surveys` member given anyway is
 * ignored with one `console.error` naming it; the rest of that configuration still applies.
 */
export interface InlineConfig {
  /** Accepted and ignored: the site is the `site` option. */
  site?: string;
  /** `"auto"` (the page's language) or a locale tag such as `"es"`. */
  locale?: string;
  theme?: Theme;
  /** No survey within this many days after any survey was shown. */
  cooldownDays?: number;
}

/** A site's configuration as the collector serves it (`GET /v1/sites/{site}/config`). */
export interface SiteConfig {
  site: string;
  locale?: string;
  theme?: Theme;
  cooldownDays?: number;
  surveys: Survey[];
}

/** Answer values by question type: see the README's configuration reference. */
export type AnswerValue = number | string | { choices: string[]; other?: string };

export interface SurveyResponse {
  id: string;
  site: string;
  survey: string;
  answers: { question: string; value: AnswerValue }[];
  locale?: string;
  url?: string;
  userId?: string;
  traits?: Record<string, unknown>;
  createdAt: string;
}

export interface RapportEvents {
  show: { survey: string };
  submit: { survey: string; response: SurveyResponse };
  close: { survey: string; completed: boolean };
  delivered: { id: string };
}

/** `identify`'s traits: anything the page knows, plus the optional customer token. */
export type IdentifyTraits = Record<string, unknown> & { token?: string | null };

/** The command function, the same as `window.rapport` behind the script tag. */
export interface Rapport {
  /**
   * Says who the shopper is. A `token` member of the traits is no trait: it is the customer
   * token (an HS256 JWT) your backend minted, sent with every answer from then on and never
   * stored as a trait; `token: null` forgets it.
   */
  (command: "identify", userIdOrTraits: string | IdentifyTraits, traits?: IdentifyTraits): void;
  (command: "track", event: string, properties?: Record<string, unknown>): void;
  /**
   * Shows a survey now. Called from a click or key press handler once the widget is loaded,
   * it opens as the shopper's (modal: focus moves in); otherwise as a popover that leaves
   * focus where it is. Pass `{ shopper: true }` when the shopper asked for it.
   */
  (command: "show", surveyId: string, options?: { shopper?: boolean }): void;
  /** Inline configuration over the collector's (see {@link InlineConfig}). */
  (command: "config", config: InlineConfig): void;
  (command: "page"): void;
  (command: "hide"): void;
  <E extends keyof RapportEvents>(command: "on" | "off", event: E, handler: (detail: RapportEvents[E]) => void): void;
}

/**
 * Creates a Rapport instance for bundler users. Outside a browser (server-side rendering) it
 * returns a command function that does nothing, silently.
 */
export function createRapport(options: RapportOptions): Rapport;
