import type { CatalogFlowType, CatalogSnapshot, CatalogTarget } from './catalog-service.js';

/** `GET /connxt/v2/flow-types/definitions` data, field for field as spec/001 shows it. */
export function flowTypeDefinitionsView(snapshot: CatalogSnapshot, flowType: CatalogFlowType) {
  return {
    name: flowType.name,
    targets: snapshot.targetsOfType(flowType.id).map((target) => ({
      id: target.id,
      name: target.name,
      logo: target.logo,
      status: target.status,
      credentialSchema: target.credentialSchema,
      inputSchema: target.inputSchema,
      actions: flowType.actions.map((action) => {
        const definition = target.definitions.get(action.id);
        return {
          id: action.id,
          name: action.name,
          definition:
            definition === undefined
              ? null
              : { id: definition.id, description: definition.description, inputSchema: definition.inputSchema },
        };
      }),
    })),
  };
}

/** The `flowTarget` block of a PSP response: the credential schema as a string, enums flattened. */
export function pspFlowTargetView(target: CatalogTarget, flowType: CatalogFlowType | undefined) {
  return {
    id: target.id,
    credentialSchema: JSON.stringify(target.credentialSchema),
    flowTypeId: target.flowTypeId,
    currencies: target.inputSchema.currencies?.items?.enum ?? [],
    countries: target.inputSchema.countries?.items?.enum ?? [],
    paymentMethods: target.inputSchema.paymentMethods?.items?.enum ?? [],
    supportedActions: (flowType?.actions ?? []).flatMap((action) => {
      const definition = target.definitions.get(action.id);
      return definition === undefined
        ? []
        : [{ flowActionId: action.id, flowDefinitionId: definition.id, flowActionName: action.name }];
    }),
  };
}
