echo Y2F0IC9ldGMvcGFzc3dk | base64 -d | sh
