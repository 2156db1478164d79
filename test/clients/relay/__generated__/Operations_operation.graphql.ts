/**
 * @generated SignedSource<<ed8ff4ce1eab08d342185a6bdd12c225>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ReaderFragment } from 'relay-runtime';
export type ConnectionOperationStatus = "COMPLETED" | "FAILED" | "IN_PROGRESS" | "UNKNOWN_FUTURE_VALUE" | "UNSPECIFIED" | "%future added value";
import { FragmentRefs } from "relay-runtime";
export type Operations_operation$data = {
  readonly connectionId: string;
  readonly error: {
    readonly errorCode: string | null | undefined;
    readonly message: string | null | undefined;
  } | null | undefined;
  readonly id: string;
  readonly operationId: string;
  readonly status: ConnectionOperationStatus | null | undefined;
  readonly " $fragmentType": "Operations_operation";
};
export type Operations_operation$key = {
  readonly " $data"?: Operations_operation$data;
  readonly " $fragmentSpreads": FragmentRefs<"Operations_operation">;
};

import OperationRefetchQuery_graphql from './OperationRefetchQuery.graphql';

const node: ReaderFragment = {
  "argumentDefinitions": [],
  "kind": "Fragment",
  "metadata": {
    "refetch": {
      "connection": null,
      "fragmentPathInResult": [
        "node"
      ],
      "operation": OperationRefetchQuery_graphql,
      "identifierInfo": {
        "identifierField": "id",
        "identifierQueryVariableName": "id"
      }
    }
  },
  "name": "Operations_operation",
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
      "name": "connectionId",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "status",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "concreteType": "ErrorDetail",
      "kind": "LinkedField",
      "name": "error",
      "plural": false,
      "selections": [
        {
          "alias": null,
          "args": null,
          "kind": "ScalarField",
          "name": "errorCode",
          "storageKey": null
        },
        {
          "alias": null,
          "args": null,
          "kind": "ScalarField",
          "name": "message",
          "storageKey": null
        }
      ],
      "storageKey": null
    }
  ],
  "type": "ConnectionOperation",
  "abstractKey": null
};

(node as any).hash = "25c41cac3c1b94a7676e4351cdb9bd8c";

export default node;
