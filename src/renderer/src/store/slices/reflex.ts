import type { StateCreator } from 'zustand'
import { emptyReflex, type ReflexModel } from '../../lib/live/reflex'
import type { StoreState } from '../types'

/** Circuit breakers, triggers, reflex actions and held jobs, folded from the reflex channel. */
export interface ReflexSlice {
  reflex: ReflexModel
}

export const createReflexSlice: StateCreator<StoreState, [], [], ReflexSlice> = () => ({
  reflex: emptyReflex()
})
