#include "molt/server/tei_routes.h"

#include "molt/server/tei_wire.h"

namespace molt::server {

std::vector<Route> tei_routes(EmbeddingService& service, TeiRouteSettings settings) {
  const auto embed = [&service](const HttpRequest& request) {
    const TeiEmbedRequest req = parse_tei_embed_request(request.body, service.limits().max_inputs);
    EmbedCall call;
    call.model = req.model;
    call.inputs = req.inputs;
    call.inputs_field = "inputs";
    call.single = req.single;
    call.prompt_name = req.prompt_name;
    call.dimensions = req.dimensions;
    call.normalize = req.normalize;
    call.truncate = req.truncate;
    const Embeddings result = service.embed(call);
    return json_response(tei_embed_response_body(result.vectors, result.dim));
  };
  const auto tokenize = [&service](const HttpRequest& request) {
    const TeiTokenizeRequest req = parse_tei_tokenize_request(request.body, service.limits().max_inputs);
    const auto tokens = service.tokenize(req.model, req.inputs, req.prompt_name, req.add_special_tokens);
    return json_response(tei_tokenize_response_body(tokens));
  };
  const auto info = [&service, settings](const HttpRequest&) {
    const ServedModel& model = service.models().find("");
    TeiInfo i;
    i.model_id = model.name;
    i.model_identity = model.backend->card().identity;
    i.max_input_length = model.backend->card().max_tokens;
    i.max_batch_tokens = settings.max_batch_tokens;
    i.max_client_batch_size = service.limits().max_inputs;
    i.max_concurrent_requests = settings.max_concurrent_requests;
    i.version = settings.version;
    return json_response(tei_info_body(i));
  };
  return {
      Route{"POST", "/embed", "/embed", false, embed},
      Route{"POST", "/tokenize", "/tokenize", false, tokenize},
      Route{"GET", "/info", "/info", false, info},
  };
}

}  // namespace molt::server
