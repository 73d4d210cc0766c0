import type { Household } from '../src/field/db'

/** A household as the phone keeps it (the register's row as the pull brings it). */
export function aHousehold(id: number, over: Partial<Household> = {}): Household {
  return {
    id,
    org_id: 5,
    head_name: id === 3 ? '赵一' : `户${id}`,
    address: null,
    building: null,
    categories: [],
    external_id: null,
    lat: null,
    lng: null,
    masked: false,
    phone: null,
    size: 3,
    status: 'active',
    ...over,
  }
}
