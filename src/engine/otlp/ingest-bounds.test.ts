import { describe, expect, it } from 'vitest'
import { OTLP_EXPORT_LIMITS } from '../../shared/neurorail/limits'
import { BodyError } from './ingest-body'
import { boundJsonExport, boundProtobufExport, type ExportLimits } from './ingest-bounds'
import { encodeExportRequest, EXPORT_REQUEST_TYPE } from './ingest-proto'

const attr = (key: string, value: object = { string_value: 'v' }) => ({ key, value })
const span = (more: object = {}) => ({ name: 's', ...more })
const oneSpan = (more: object) => ({
  resource_spans: [{ scope_spans: [{ spans: [span(more)] }] }]
})
const times = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i))

/** The refusal of `body` under `limits` changed in one place, or null when it passes. */
function refusal(body: Buffer, change: Partial<ExportLimits>): BodyError | null {
  try {
    boundProtobufExport(body, EXPORT_REQUEST_TYPE, { ...OTLP_EXPORT_LIMITS, ...change })
    return null
  } catch (err) {
    if (err instanceof BodyError) return err
    throw err
  }
}

/**
 * Each limit: an export holding exactly `count` of what it counts passes at `limit = count` and is
 * refused at `count - 1`, with the status and wording of the refusal. `count` is written out by
 * hand from the export, not derived from the code under test.
 */
const ROWS: Array<{
  limit: keyof ExportLimits
  count: number
  status: number
  says: RegExp
  request: object
}> = [
  {
    limit: 'resourceSpans',
    count: 3,
    status: 413,
    says: /more than 2 resourceSpans entries/,
    request: { resource_spans: times(3, () => ({})) }
  },
  {
    limit: 'scopeSpans',
    count: 4,
    status: 413,
    says: /more than 3 scopeSpans entries/,
    request: {
      resource_spans: [{ scope_spans: times(2, () => ({})) }, { scope_spans: times(2, () => ({})) }]
    }
  },
  {
    limit: 'spans',
    count: 5,
    status: 413,
    says: /more than 4 spans/,
    request: { resource_spans: [{ scope_spans: [{ spans: times(5, () => span()) }] }] }
  },
  {
    // Resource 1, scope 1, span 2 ("list", "map"), list elements 2, map entries 1, event 1, link 1.
    limit: 'attributes',
    count: 9,
    status: 413,
    says: /more than 8 attributes/,
    request: {
      resource_spans: [
        {
          resource: { attributes: [attr('service.name')] },
          scope_spans: [
            {
              scope: { name: 'x', attributes: [attr('scope.attr')] },
              spans: [
                span({
                  attributes: [
                    attr('list', { array_value: { values: [{ int_value: 1 }, { int_value: 2 }] } }),
                    attr('map', { kvlist_value: { values: [attr('inner')] } })
                  ],
                  events: [{ name: 'e', attributes: [attr('event.attr')] }],
                  links: [{ attributes: [attr('link.attr')] }]
                })
              ]
            }
          ]
        }
      ]
    }
  },
  {
    limit: 'events',
    count: 3,
    status: 413,
    says: /more than 2 span events/,
    request: oneSpan({ events: times(3, (i) => ({ name: `e${i}` })) })
  },
  {
    limit: 'links',
    count: 3,
    status: 413,
    says: /more than 2 span links/,
    request: oneSpan({ links: times(3, () => ({ flags: 1 })) })
  },
  {
    // resource_spans, scope_spans, spans, name, attributes, key, value, string_value.
    limit: 'protobufFields',
    count: 8,
    status: 413,
    says: /more than 7 protobuf fields/,
    request: oneSpan({ attributes: [attr('k')] })
  },
  {
    // A map in a map in the attribute's value: three AnyValues deep.
    limit: 'valueDepth',
    count: 3,
    status: 400,
    says: /nested deeper than 2 levels/,
    request: oneSpan({
      attributes: [
        attr('deep', {
          kvlist_value: { values: [attr('a', { kvlist_value: { values: [attr('b')] } })] }
        })
      ]
    })
  }
]

describe('boundProtobufExport', () => {
  it.each(ROWS)(
    '$limit: passes at $count, refused past it',
    ({ limit, count, status, says, request }) => {
      const body = encodeExportRequest(request as Record<string, unknown>)
      expect(refusal(body, { [limit]: count })).toBeNull()
      const refused = refusal(body, { [limit]: count - 1 })
      expect(refused?.status).toBe(status)
      expect(refused?.message).toMatch(says)
    }
  )

  it('walks fields of a mismatched wire type as the decoder does: skipped, not counted', () => {
    // Span.attributes (field 9) sent as a varint: protobufjs skips it as unknown, so must the walk.
    const body = Buffer.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x48, 0x01])
    expect(refusal(body, { attributes: 0 })).toBeNull()
  })

  it('answers 400 for truncated or malformed bodies and for groups', () => {
    for (const bytes of [
      [0x0a, 0x05, 0x12, 0x00], // a length past the end
      [0x0a, 0x02, 0x12, 0x05, 0x00], // a child longer than its parent
      [0x0b, 0x0c], // a group
      [0x0a] // a tag without its length
    ]) {
      const refused = refusal(Buffer.from(bytes), {})
      expect(refused?.status).toBe(400)
      expect(refused?.message).toMatch(/^Body is not an OTLP ExportTraceServiceRequest: /)
    }
  })
})

describe('boundJsonExport', () => {
  // {, [, the two commas of the list, and the object in it: 5. The string's brackets, commas and
  // escaped quote do not count.
  const text = '{"a":[1,2,{"b":"{[,,]}\\"{,"}]}'
  const bound = (jsonValues: number) => () =>
    boundJsonExport(Buffer.from(text), { ...OTLP_EXPORT_LIMITS, jsonValues })

  it('counts objects, arrays and separators outside strings', () => {
    expect(bound(5)).not.toThrow()
    expect(bound(4)).toThrow(/more than 4 JSON values/)
  })

  it('counts a string left open to the end as one string', () => {
    expect(() =>
      boundJsonExport(Buffer.from('["{,,,'), { ...OTLP_EXPORT_LIMITS, jsonValues: 1 })
    ).not.toThrow()
  })
})
