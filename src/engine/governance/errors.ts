import {
  makeNeuroRailError,
  type NeuroRailError,
  type NeuroRailErrorCode
} from '../../shared/neurorail'
import { DomainError, hasBrand } from '../errors'

/**
 * A governance refusal: a domain error whose detail is one NeuroRail error (API §5). It carries no
 * transport status: the HTTP edge maps its code (`src/engine/http/errors.ts`). The brand field
 * makes `isGovernanceError` work across bundles where `instanceof` fails.
 */
export class GovernanceError extends DomainError {
  readonly isGovernanceError = true
  readonly error: NeuroRailError

  constructor(code: NeuroRailErrorCode, message?: string, details: Record<string, unknown> = {}) {
    const error = makeNeuroRailError(code, message, details)
    super(code, error)
    this.message = `${code}: ${error.message}`
    this.name = 'GovernanceError'
    this.error = error
  }
}

/** Type guard for GovernanceError. */
export function isGovernanceError(err: unknown): err is GovernanceError {
  return hasBrand(err, 'isGovernanceError')
}
