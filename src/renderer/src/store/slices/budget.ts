import type { StateCreator } from 'zustand'
import { emptyBudget, type BudgetModel } from '../../lib/live/budget'
import type { StoreState } from '../types'

/** Enforcement totals, per-second series and violations, folded from the enforcement channel. */
export interface BudgetSlice {
  budget: BudgetModel
}

export const createBudgetSlice: StateCreator<StoreState, [], [], BudgetSlice> = () => ({
  budget: emptyBudget()
})
