/**
 * @generated SignedSource<<a99a4adea0f0ab95696689dc146683f7>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
export type OperationsNarrowQuery$variables = {
  connectionId: string;
  count: number;
};
export type OperationsNarrowQuery$data = {
  readonly connectionOperations: {
    readonly edges: ReadonlyArray<{
      readonly node: {
        readonly id: string;
        readonly operationId: string;
      };
    }>;
    readonly pageInfo: {
      readonly endCursor: string | null | undefined;
      readonly hasNextPage: boolean;
    };
  };
};
export type OperationsNarrowQuery = {
  response: OperationsNarrowQuery$data;
  variables: OperationsNarrowQuery$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "connectionId"
  },
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "count"
  }
],
v1 = {
  "kind": "Variable",
  "name": "connectionId",
  "variableName": "connectionId"
},
v2 = [
  {
    "alias": null,
    "args": null,
    "concreteType": "ConnectionOperationEdge",
    "kind": "LinkedField",
    "name": "edges",
    "plural": true,
    "selections": [
      {
        "alias": null,
        "args": null,
        "concreteType": "ConnectionOperation",
        "kind": "LinkedField",
        "name": "node",
        "plural": false,
        "selections": [
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "id",
            "storageKey": null
          },
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "operationId",
            "storageKey": null
          },
          {
            "alias": null,
            "args": null,
            "kind": "ScalarField",
            "name": "__typename",
            "storageKey": null
          }
        ],
        "storageKey": null
      },
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "cursor",
        "storageKey": null
      }
    ],
    "storageKey": null
  },
  {
    "alias": null,
    "args": null,
    "concreteType": "PageInfo",
    "kind": "LinkedField",
    "name": "pageInfo",
    "plural": false,
    "selections": [
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "hasNextPage",
        "storageKey": null
      },
      {
        "alias": null,
        "args": null,
        "kind": "ScalarField",
        "name": "endCursor",
        "storageKey": null
      }
    ],
    "storageKey": null
  }
],
v3 = [
  (v1/*:: as any*/),
  {
    "kind": "Variable",
    "name": "first",
    "variableName": "count"
  }
];
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "OperationsNarrowQuery",
    "selections": [
      {
        "alias": "connectionOperations",
        "args": [
          (v1/*:: as any*/)
        ],
        "concreteType": "ConnectionOperationConnection",
        "kind": "LinkedField",
        "name": "__Operations_connectionOperations_connection",
        "plural": false,
        "selections": (v2/*:: as any*/),
        "storageKey": null
      }
    ],
    "type": "Query",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "OperationsNarrowQuery",
    "selections": [
      {
        "alias": null,
        "args": (v3/*:: as any*/),
        "concreteType": "ConnectionOperationConnection",
        "kind": "LinkedField",
        "name": "connectionOperations",
        "plural": false,
        "selections": (v2/*:: as any*/),
        "storageKey": null
      },
      {
        "alias": null,
        "args": (v3/*:: as any*/),
        "filters": [
          "connectionId"
        ],
        "handle": "connection",
        "key": "Operations_connectionOperations",
        "kind": "LinkedHandle",
        "name": "connectionOperations"
      }
    ]
  },
  "params": {
    "cacheID": "174691f7faa388d136f1d19ceddda856",
    "id": null,
    "metadata": {
      "connection": [
        {
          "count": "count",
          "cursor": null,
          "direction": "forward",
          "path": [
            "connectionOperations"
          ]
        }
      ]
    },
    "name": "OperationsNarrowQuery",
    "operationKind": "query",
    "text": "query OperationsNarrowQuery(\n  $connectionId: ID!\n  $count: Int!\n) {\n  connectionOperations(connectionId: $connectionId, first: $count) {\n    edges {\n      node {\n        id\n        operationId\n        __typename\n      }\n      cursor\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n"
  }
};
})();

(node as any).hash = "595c03be689033681c8c883c9f9920e1";

export default node;
