"""The five Gong actions of the seed connector, built on `gong_source.client.GongClient`.

Each returns a pydantic output model whose JSON schema is the seed's contract; none raises for
a Gong or input problem (`success=False` and a one-line `error` instead). The CLI
`gong-actions <action> ...` prints the same output as JSON.
"""

from .actions import (
    add_new_call,
    get_extensive_data,
    list_calls,
    list_workspace_id_options,
    retrieve_transcripts_of_calls,
)
from .models import (
    AddNewCallOutput,
    GetExtensiveDataOutput,
    ListCallsOutput,
    ListWorkspaceIdOptionsOutput,
    RetrieveTranscriptsOfCallsOutput,
    Workspace,
)

__all__ = [
    "AddNewCallOutput",
    "GetExtensiveDataOutput",
    "ListCallsOutput",
    "ListWorkspaceIdOptionsOutput",
    "RetrieveTranscriptsOfCallsOutput",
    "Workspace",
    "add_new_call",
    "get_extensive_data",
    "list_calls",
    "list_workspace_id_options",
    "retrieve_transcripts_of_calls",
]
