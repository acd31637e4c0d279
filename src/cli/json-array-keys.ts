// Follows the tokens of a streamed JSON array to find an object that holds a key twice: the streaming parser,
// as JSON.parse does, keeps the last silently, and the record read would not be the one written.
import { TokenType, type ParsedTokenInfo } from "@streamparser/json";

export class RepeatedKeys {
  /** The keys of each object open at this point, `undefined` for an array. */
  private readonly open: (Set<string> | undefined)[] = [];
  private keyNext = false;
  /** The first key an object of the element being read holds twice; the reader clears it for the next. */
  repeated: string | undefined;

  see({ token, value }: ParsedTokenInfo): void {
    switch (token) {
      case TokenType.LEFT_BRACE:
        this.open.push(new Set());
        this.keyNext = true;
        return;
      case TokenType.LEFT_BRACKET:
        this.open.push(undefined);
        this.keyNext = false;
        return;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        this.open.pop();
        this.keyNext = false;
        return;
      case TokenType.COMMA:
        this.keyNext = this.open.at(-1) !== undefined;
        return;
      case TokenType.STRING: {
        const keys = this.open.at(-1);
        if (!this.keyNext || keys === undefined || typeof value !== "string") return;
        this.keyNext = false;
        if (keys.has(value)) this.repeated ??= value;
        else keys.add(value);
        return;
      }
      default:
        return;
    }
  }
}
